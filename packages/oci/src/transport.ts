import { readBodyWithin } from '@sigbox/core';
import { parseChallenge } from './challenge.js';
import type { CredentialStore, RegistryCredentials } from './docker-config.js';
import { OciError } from './error.js';
import { type Repository, registryBaseUrl } from './reference.js';

export interface TransportOptions {
  /** Credentials per registry (parseDockerConfig/readDockerConfig); anonymous without. */
  readonly credentials?: CredentialStore;
  /** Which registries speak plain HTTP (default: loopback ones, as go-containerregistry). */
  readonly plainHttp?: (registry: string) => boolean;
  /** Milliseconds one request (and its token exchange) may take (default {@link DEFAULT_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The fetch to use (default the global one): a seam for a proxy-aware or instrumented fetch. */
  readonly fetch?: typeof fetch;
}

/** Registry calls read small documents; 30 s is what go-containerregistry's default transport allows a dial + TLS. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const USER_AGENT = 'sigbox-oci/0.1';

/** Issues requests to one registry API, answering its 401 challenges (Basic, or the Bearer token dance) once. */
export interface Transport {
  /** `pathOrUrl` is `/v2/…` or an absolute URL on the registry's own origin (a `Link` next page). */
  request(repo: Repository, pathOrUrl: string, init?: { method?: 'GET' | 'HEAD'; accept?: string }): Promise<Response>;
}

const basic = (c: { username: string; password: string }) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

export function createTransport(options: TransportOptions = {}): Transport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  /** Authorization header per `registry/repository`: a Bearer token is scoped to one repository's pull. */
  const authorizations = new Map<string, string>();

  async function send(url: string, method: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await doFetch(url, { method, headers: { 'user-agent': USER_AGENT, ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (cause) {
      throw new OciError('REGISTRY_ERROR', `${method} ${url}: ${(cause as Error).message}`, { cause, details: { url } });
    }
  }

  /** The distribution token spec (docs/spec/auth/token.md, oauth.md): a pull token for `repo` from the realm. */
  async function fetchToken(params: Readonly<Record<string, string>>, repo: Repository, base: string, credentials: RegistryCredentials | undefined): Promise<string> {
    const realm = params.realm;
    if (realm === undefined) throw new OciError('INVALID_RESPONSE', `${base}: Bearer challenge without a realm`);
    const realmUrl = new URL(realm);
    // Credentials go to the realm the registry names (as docker does); never in clear text to a remote host.
    if (realmUrl.protocol !== 'https:' && !(realmUrl.protocol === 'http:' && new URL(base).protocol === 'http:')) {
      throw new OciError('UNAUTHORIZED', `${base}: token realm ${realm} is not HTTPS`);
    }
    const scope = `repository:${repo.repository}:pull`;
    let response: Response;
    if (credentials !== undefined && 'identityToken' in credentials) {
      // oauth.md: an identity token is an OAuth2 refresh token, exchanged by POST.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, service: params.service ?? '', scope, client_id: USER_AGENT });
      try {
        response = await doFetch(realmUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
      } catch (cause) {
        throw new OciError('REGISTRY_ERROR', `token request to ${realm}: ${(cause as Error).message}`, { cause });
      }
    } else {
      if (params.service !== undefined) realmUrl.searchParams.set('service', params.service);
      realmUrl.searchParams.set('scope', scope);
      response = await send(realmUrl.href, 'GET', credentials === undefined ? {} : { authorization: basic(credentials) });
    }
    if (response.status === 401 || response.status === 403) throw new OciError('UNAUTHORIZED', `token request to ${realm}: HTTP ${response.status}`);
    if (!response.ok) throw new OciError('REGISTRY_ERROR', `token request to ${realm}: HTTP ${response.status}`);
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') throw new OciError('INVALID_RESPONSE', `token request to ${realm}: no token in the answer`);
    return token;
  }

  /** The Authorization header a 401 asks for, or undefined when we cannot answer it. */
  async function answer(response: Response, repo: Repository, base: string): Promise<string | undefined> {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    const credentials = options.credentials?.(repo.registry);
    if (challenge?.scheme === 'bearer') return `Bearer ${await fetchToken(challenge.params, repo, base, credentials)}`;
    if (challenge?.scheme === 'basic' && credentials !== undefined && 'username' in credentials) return basic(credentials);
    return undefined;
  }

  return {
    async request(repo, pathOrUrl, init = {}) {
      const base = registryBaseUrl(repo.registry, options.plainHttp);
      const url = new URL(pathOrUrl, base);
      if (url.origin !== new URL(base).origin) throw new OciError('INVALID_RESPONSE', `${url.href} is not on ${base}`);
      const method = init.method ?? 'GET';
      const headers: Record<string, string> = init.accept === undefined ? {} : { accept: init.accept };
      const key = `${repo.registry}/${repo.repository}`;
      const cached = authorizations.get(key);
      let response = await send(url.href, method, cached === undefined ? headers : { ...headers, authorization: cached });
      if (response.status !== 401) return response;
      await response.body?.cancel();
      const authorization = await answer(response, repo, base);
      if (authorization === undefined) throw new OciError('UNAUTHORIZED', `${method} ${url.href}: HTTP 401 and no credentials for ${repo.registry} in the docker config`);
      authorizations.set(key, authorization);
      response = await send(url.href, method, { ...headers, authorization });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new OciError('UNAUTHORIZED', `${method} ${url.href}: HTTP ${response.status} with the credentials for ${repo.registry}`);
      }
      return response;
    },
  };
}

/**
 * The body, refused past `limit` bytes as it streams in (a registry is not trusted to send what Content-Length
 * says, nor to stop).
 */
export async function readLimited(response: Response, limit: number, what: string): Promise<Uint8Array> {
  const bytes = await readBodyWithin(response, limit);
  if (bytes === undefined) throw new OciError('TOO_LARGE', `${what}: more than the ${limit} bytes allowed`);
  return bytes;
}
