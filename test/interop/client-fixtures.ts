/**
 * What the cosign and sigstore-js interop tests share around a running `sigbox up --dev`: locating a client
 * binary, running it time-bound in a clean environment, a token from the development issuer, and the log
 * entry a bundle claims.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';

/** Every client call is killed after this: a hung client must fail its test, not the suite timeout. */
export const CLIENT_TIMEOUT_MS = 60_000;

/**
 * A client binary named by the environment variable `name` (a path; it must then be executable). Unset skips
 * the suite with a message saying `why`; under CI=true an unset variable fails, as testkit `toolAvailable` does.
 */
export function findClient(name: string, why: string): string | undefined {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv !== '') {
    fs.accessSync(fromEnv, fs.constants.X_OK); // a wrong path is a set-up error, not a reason to skip
    return fromEnv;
  }
  if (process.env.CI === 'true') throw new Error(`${name} is required under CI=true (${why})`);
  console.warn(`skipping: ${name} is not set (${why})`);
  return undefined;
}

export interface ClientResult {
  /** Exit status; `timeout` when killed after CLIENT_TIMEOUT_MS. */
  code: number | 'timeout';
  stdout: string;
  stderr: string;
}

/** Environment variables that would point a client at other trust material or another instance. */
const INHERITED_TRUST_ENV = /^(SIGSTORE_|TUF_|COSIGN_)/;

/**
 * Runs `binary args` in `cwd` with the caller's environment minus any SIGSTORE_/TUF_/COSIGN_ variable, plus
 * `env` (HOME, TUF_ROOT, the legacy key files …); never rejects.
 */
export function runClient(binary: string, args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<ClientResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED_TRUST_ENV.test(k)));
  return new Promise((resolve) => {
    execFile(binary, [...args], { cwd: options.cwd, env: { ...base, ...options.env }, timeout: CLIENT_TIMEOUT_MS }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; killed?: boolean }) | null;
      const code = failed === null ? 0 : failed.killed ? 'timeout' : typeof failed.code === 'number' ? failed.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A token from the `--dev` issuer (`POST <url>/oidc/token`); tokens live 10 minutes, so take one per signing. */
export async function devToken(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (res.status !== 200) throw new Error(`dev token: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id_token: string }).id_token;
}

/** The Rekor v1 body stored at `logIndex` (base64), read from the server, not from the client's bundle. */
export async function loggedBody(url: string, logIndex: string | number): Promise<string> {
  const res = await fetch(`${url}/api/v1/log/entries?logIndex=${logIndex}`);
  if (res.status !== 200) throw new Error(`entry ${logIndex}: HTTP ${res.status}`);
  const entries = Object.values((await res.json()) as Record<string, { body: string }>);
  if (entries.length !== 1) throw new Error(`entry ${logIndex}: ${entries.length} entries`);
  return (entries[0] as { body: string }).body;
}
