import crypto, { type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OIDC issuer for tests: discovery + JWKS over HTTP on 127.0.0.1, fresh keys, and a token minter that can
 * also produce every malformed token a Fulcio-compatible verifier must refuse: any claim or header overridden or
 * omitted, `alg: none`, HS256 keyed with the RSA public key, keys absent from the JWKS.
 */

/** Algorithms the issuer's own keys use (Fulcio accepts RS/ES/PS 256-512 and EdDSA). */
export type IssuerAlgorithm = 'ES256' | 'ES384' | 'RS256' | 'PS256' | 'EdDSA';
/** What a token may be signed with: the key's own algorithm, an HMAC, or nothing. */
export type TokenAlgorithm = IssuerAlgorithm | 'HS256' | 'HS384' | 'HS512' | 'none';

export interface IssuerKey {
  readonly kid: string;
  readonly alg: IssuerAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as published: RFC 7638 thumbprint as `kid`, `alg`, `use: sig`. */
  readonly jwk: Readonly<Record<string, string>>;
}

export interface OidcIssuerOptions {
  /** Keys published at start; the first signs by default. Default `['ES256']`. */
  algorithms?: IssuerAlgorithm[];
  /** Path under the origin, for issuers like `https://idp/realms/eng`. Default none. */
  path?: string;
  /** Claims added to every token before per-token overrides. Default an email identity, verified. */
  defaultClaims?: Record<string, unknown>;
  /** Token lifetime; Fulcio's own default certificate TTL is 10 minutes, tokens usually match. */
  ttlSeconds?: number;
  /** Time source for `iat`/`nbf`/`exp`. */
  clock?: () => Date;
}

export interface TokenOptions {
  /** Header fields merged over `{ alg, kid, typ: 'JWT' }`; `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Sign with this key (e.g. from `createIssuerKey`, not in the JWKS). Default the current key. */
  key?: IssuerKey;
  /** Algorithm actually used to sign; also the header `alg` unless `header.alg` says otherwise. */
  algorithm?: TokenAlgorithm;
  /** HMAC secret for HS*; default the PEM of `key`'s public key (the classic algorithm-confusion attack). */
  hmacSecret?: Uint8Array | string;
  now?: Date;
}

export interface OidcIssuer {
  /** The issuer URL, exactly as `iss` and discovery `issuer` carry it (no trailing slash). */
  readonly url: string;
  readonly jwksUri: string;
  /** Keys currently published in the JWKS; `currentKey` signs by default. */
  readonly keys: readonly IssuerKey[];
  readonly currentKey: IssuerKey;
  /** Requests served so far, per endpoint (for JWKS caching tests). */
  readonly requestCounts: Readonly<{ discovery: number; jwks: number }>;
  issueToken(claims?: Record<string, unknown>, options?: TokenOptions): string;
  /** Publishes a new key and makes it the signing key; old keys stay published until `retireKey`. */
  rotateKey(alg?: IssuerAlgorithm): IssuerKey;
  /** Removes a key from the JWKS. */
  retireKey(kid: string): void;
  /** Fields merged over the discovery document, e.g. a wrong `issuer`; `undefined` removes one. */
  setDiscoveryOverrides(overrides: Record<string, unknown>): void;
  close(): Promise<void>;
}

const DEFAULT_TTL_SECONDS = 600;
const DEFAULT_SUBJECT = 'dev@example.com';
const JWKS_PATH = '/jwks';
const DISCOVERY_PATH = '/.well-known/openid-configuration';

// RFC 7518 §3.1 digest per algorithm; PS uses PSS with salt = digest length (RFC 7518 §3.5).
const DIGEST: Record<Exclude<TokenAlgorithm, 'none' | 'EdDSA'>, string> = {
  ES256: 'sha256', ES384: 'sha384', RS256: 'sha256', PS256: 'sha256', HS256: 'sha256', HS384: 'sha384', HS512: 'sha512',
};

// RFC 7638 §3.2: the thumbprint hashes only the required members, in lexicographic order.
const THUMBPRINT_MEMBERS: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };

/** A fresh signing key with its published JWK; kept out of any issuer's JWKS unless rotated in. */
export function createIssuerKey(alg: IssuerAlgorithm = 'ES256'): IssuerKey {
  const { privateKey, publicKey } =
    alg === 'ES256' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : alg === 'ES384' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })
    : alg === 'EdDSA' ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const members = THUMBPRINT_MEMBERS[exported.kty ?? ''] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, exported[m]])));
  const kid = crypto.createHash('sha256').update(canonical).digest('base64url');
  return { kid, alg, privateKey, publicKey, jwk: { ...exported, kid, alg, use: 'sig' } };
}

/** Compact JWS over `header.payload` exactly as given, so tests control every byte the verifier parses. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: IssuerKey, algorithm: TokenAlgorithm, hmacSecret?: Uint8Array | string): string {
  const b64 = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${Buffer.from(signature(input, key, algorithm, hmacSecret)).toString('base64url')}`;
}

function signature(input: string, key: IssuerKey, algorithm: TokenAlgorithm, hmacSecret?: Uint8Array | string): Uint8Array {
  if (algorithm === 'none') return new Uint8Array(0);
  if (algorithm === 'EdDSA') return crypto.sign(null, Buffer.from(input), key.privateKey);
  const digest = DIGEST[algorithm];
  if (algorithm.startsWith('HS')) {
    const secret = hmacSecret ?? (key.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    return crypto.createHmac(digest, secret).update(input).digest();
  }
  const padding = algorithm === 'PS256' ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};
  // JWS ECDSA signatures are r‖s (IEEE P1363), not DER (RFC 7518 §3.4).
  return crypto.sign(digest, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363', ...padding });
}

/** Drops `undefined` members so callers can omit a default claim or header by setting it to undefined. */
function merge(...layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.assign({}, ...layers);
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

/**
 * Starts the issuer on 127.0.0.1 with a free port. Always `close()` it (or use `await using`).
 *
 * @example
 * const idp = await startOidcIssuer();
 * const token = idp.issueToken({ email: 'alice@example.com' });
 * const expired = idp.issueToken({ exp: Math.floor(Date.now() / 1000) - 1 });
 * const noneAlg = idp.issueToken({}, { algorithm: 'none' });
 */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer & AsyncDisposable> {
  const clock = options.clock ?? (() => new Date());
  let keys = (options.algorithms ?? ['ES256']).map(createIssuerKey);
  let current = keys[0] ?? createIssuerKey();
  let discoveryOverrides: Record<string, unknown> = {};
  const counts = { discovery: 0, jwks: 0 };
  const basePath = (options.path ?? '').replace(/\/+$/, '');

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') {
      send(405, { error: 'method not allowed' });
    } else if (path === basePath + DISCOVERY_PATH) {
      counts.discovery++;
      send(200, discovery());
    } else if (path === basePath + JWKS_PATH) {
      counts.jwks++;
      send(200, { keys: keys.map((k) => k.jwk) });
    } else {
      send(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`;
  const jwksUri = url + JWKS_PATH;

  // OpenID Connect Discovery 1.0 §3; the `issuer` must equal the URL exactly (Fulcio and go-oidc check it).
  const discovery = () => merge({
    issuer: url,
    jwks_uri: jwksUri,
    authorization_endpoint: `${url}/authorize`, // required by the spec; never used by Sigstore token flows
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))],
    scopes_supported: ['openid', 'email'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'email', 'email_verified'],
  }, discoveryOverrides);

  const issueToken = (claims: Record<string, unknown> = {}, token: TokenOptions = {}) => {
    const key = token.key ?? current;
    const algorithm = token.algorithm ?? key.alg;
    const now = Math.floor((token.now ?? clock()).getTime() / 1000);
    const defaults = { iss: url, sub: DEFAULT_SUBJECT, aud: 'sigstore', iat: now, nbf: now, exp: now + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) };
    const identity = options.defaultClaims ?? { email: DEFAULT_SUBJECT, email_verified: true };
    const header = merge({ alg: algorithm, kid: key.kid, typ: 'JWT' }, token.header);
    return signJwt(header, merge(defaults, identity, claims), key, algorithm, token.hmacSecret);
  };

  const close = () => new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections(); // keep-alive sockets from fetch would otherwise hold the port
  });

  return {
    url,
    jwksUri,
    get keys() { return keys; },
    get currentKey() { return current; },
    get requestCounts() { return { ...counts }; },
    issueToken,
    rotateKey: (alg = current.alg) => {
      current = createIssuerKey(alg);
      keys = [...keys, current];
      return current;
    },
    retireKey: (kid) => { keys = keys.filter((k) => k.kid !== kid); },
    setDiscoveryOverrides: (overrides) => { discoveryOverrides = { ...overrides }; },
    close,
    [Symbol.asyncDispose]: close,
  };
}
