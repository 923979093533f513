import fs from 'node:fs';
import path from 'node:path';

/**
 * What a suite needs from outside the stack: a tool, a library, a database server, test vectors. Where it is
 * missing the suite skips and says why; under CI=true it fails instead, because CI must never pass by testing
 * nothing.
 */

/** Reports `what` as missing: throws under CI=true, else warns `skipping: …` and returns undefined. */
export function unavailable(what: string, why: string): undefined {
  if (process.env.CI === 'true') throw new Error(`${what}: required under CI=true (${why})`);
  console.warn(`skipping: ${what} (${why})`);
  return undefined;
}

/** The executable `command` in a folder of PATH, or undefined. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Whether the tool `command` is on PATH (see {@link unavailable} for what its absence does). */
export function toolAvailable(command: string, why: string): boolean {
  return onPath(command) !== undefined || (unavailable(`${command} not found on PATH`, why) ?? false);
}

export interface ToolLookup {
  /** An environment variable naming the tool's path, e.g. `COSIGN_V3`; when set, the file must be executable. */
  env?: string;
  /** The command to look for on PATH when `env` is unset, e.g. `rekor-cli`. */
  command?: string;
  /** What the tool is for and how to get it: shown when it is missing. */
  why: string;
}

/**
 * The path of a tool from `env` or else `command` on PATH; undefined when neither finds it (see
 * {@link unavailable}). A set variable naming a file that cannot be run is a set-up error, not a reason to skip.
 */
export function findTool({ env, command, why }: ToolLookup): string | undefined {
  const fromEnv = env === undefined ? undefined : process.env[env];
  if (fromEnv !== undefined && fromEnv !== '') {
    fs.accessSync(fromEnv, fs.constants.X_OK);
    return fromEnv;
  }
  const found = command === undefined ? undefined : onPath(command);
  if (found !== undefined) return found;
  const names = [env === undefined ? undefined : `${env} is not set`, command === undefined ? undefined : `${command} not found on PATH`];
  return unavailable(names.filter((n) => n !== undefined).join(' and '), why);
}

/**
 * Whether a suite that only makes sense on PostgreSQL (several processes on one database) can run: it needs
 * TEST_DATABASE_URL. Without it the suite skips, also under CI=true, whose PGlite pass has no server; only a
 * pass that promises a server (SIGBOX_REQUIRE_POSTGRES=1, .ci/run's Postgres pass) fails instead.
 */
export function requirePostgres(suite: string): boolean {
  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== '') return true;
  if (process.env.CI === 'true' && process.env.SIGBOX_REQUIRE_POSTGRES === '1') {
    throw new Error(`${suite} needs TEST_DATABASE_URL when CI=true and SIGBOX_REQUIRE_POSTGRES=1`);
  }
  console.warn(`skipping: ${suite} (set TEST_DATABASE_URL to a PostgreSQL admin URL to run it)`);
  return false;
}
