import { readFile } from 'node:fs/promises';
import { OciError } from './error.js';

/** A registry login: basic credentials, or an identity token (a refresh token for the Bearer token endpoint). */
export type RegistryCredentials = { readonly username: string; readonly password: string } | { readonly identityToken: string };

/** Looks up the credentials for a registry host (`host[:port]`, `docker.io` for Docker Hub). */
export type CredentialStore = (registry: string) => RegistryCredentials | undefined;

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/** The docker config's keys for Docker Hub (docker/cli config/configfile: IndexServer = https://index.docker.io/v1/). */
const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** `https://host:port/v1/` → `host:port`: docker writes keys with and without scheme and path. */
function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}

function credentialsOf(key: string, entry: AuthEntry): RegistryCredentials | undefined {
  const bad = (why: string) => new OciError('INVALID_CONFIG', `docker config: auths["${key}"]: ${why}`);
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { identityToken: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    // docker/cli config/configfile decodeAuth: base64("user:password"), split at the first colon.
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw bad('"auth" is not base64 of user:password');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  return undefined;
}

/**
 * The `auths` of a docker config (`~/.docker/config.json`, what `docker login` and `skopeo login` write) as a
 * {@link CredentialStore}. `credsStore`/`credHelpers` (external helper programs) are not run: entries kept there
 * have no credentials here, and the registry is then tried anonymously.
 */
export function parseDockerConfig(text: string): CredentialStore {
  let json: { auths?: unknown };
  try {
    json = JSON.parse(text) as { auths?: unknown };
  } catch (cause) {
    throw new OciError('INVALID_CONFIG', 'docker config: not JSON', { cause });
  }
  const auths = json.auths ?? {};
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) throw new OciError('INVALID_CONFIG', 'docker config: "auths" is not an object');
  const byHost = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(auths as Record<string, AuthEntry>)) {
    const credentials = typeof entry === 'object' && entry !== null ? credentialsOf(key, entry) : undefined;
    if (credentials !== undefined) byHost.set(hostOfKey(key), credentials);
  }
  return (registry) => {
    const keys = registry === 'docker.io' ? DOCKER_HUB_KEYS.map(hostOfKey) : [registry.toLowerCase()];
    for (const key of keys) {
      const found = byHost.get(key);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** {@link parseDockerConfig} of a file; a missing file is no credentials at all (anonymous pulls), not an error. */
export async function readDockerConfig(file: string): Promise<CredentialStore> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return () => undefined;
    throw new OciError('INVALID_CONFIG', `docker config ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseDockerConfig(text);
}
