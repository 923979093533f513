import path from 'node:path';
import type { KeySecrets } from '@sigbox/keyring';
import { ConfigError } from './error.js';
import { noPositionals, parseCommandFlags } from './flags.js';
import { boundedInteger, parseDatabaseUrl, parsePublicUrl, parseSigningLog } from './values.js';
import { type InitCommand, MAX_TUF_ROOT_KEYS, loadInitConfig } from './init-config.js';
import { SECRET_FLAGS, keySecrets } from './secrets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the box's database is: the running box's PostgreSQL, or the data folder's PGlite (box stopped). */
export interface TufDatabase {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/** A root's lifetime in days: default a year (ROOT_LIFETIME_MS); past ten years a typo, not a plan. */
export const DEFAULT_ROOT_EXPIRY_DAYS = 365;
export const MAX_ROOT_EXPIRY_DAYS = 3_650;

export type TufCommand =
  | ({ readonly action: 'status'; readonly publicUrl: string | undefined } & TufDatabase)
  | {
      readonly action: 'sign-root';
      readonly keysDir: string;
      readonly secrets: KeySecrets;
      readonly rotateKeys: readonly string[];
      readonly addRootKeys: number;
      readonly threshold: number | undefined;
      readonly expiryDays: number;
      readonly rotateOnline: boolean;
    }
  | ({ readonly action: 'publish'; readonly keysDir: string; readonly secrets: KeySecrets; readonly publicUrl: string; readonly ctLog: boolean; readonly signingLog: 'v1' | 'v2' | undefined; readonly force: boolean } & TufDatabase)
  | { readonly action: 'init'; readonly init: InitCommand };

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const DATABASE = { data: str, 'database-url': str } as const;
const ACTIONS = {
  status: { ...DATABASE, 'public-url': str, ...HELP },
  'sign-root': { keys: str, 'rotate-key': { type: 'string', multiple: true }, 'add-root-key': str, threshold: str, 'expiry-days': str, 'rotate-online': flag, ...SECRET_FLAGS, ...HELP },
  publish: { keys: str, ...DATABASE, 'public-url': str, 'no-ct-log': flag, 'signing-log': str, force: flag, ...SECRET_FLAGS, ...HELP },
} as const;

function parseFlags<const O extends (typeof ACTIONS)[keyof typeof ACTIONS]>(action: string, argv: readonly string[], options: O) {
  const { values, positionals } = parseCommandFlags(`tuf ${action}`, argv, options);
  noPositionals(positionals);
  return values;
}

function keysDir(action: string, value: string | undefined, cwd: string): string {
  if (value === undefined || value === '') throw new ConfigError('INVALID_VALUE', `'tuf ${action}' needs --keys DIR (the keyring of \`sigbox init\`, with the offline keys)`);
  return path.resolve(cwd, value);
}

function database(flags: { data?: string | undefined; 'database-url'?: string | undefined }, env: Env, cwd: string, defaultDataDir: string): TufDatabase {
  if (flags.data === '') throw new ConfigError('INVALID_VALUE', '--data must not be empty');
  return { databaseUrl: parseDatabaseUrl(flags['database-url'] ?? env.DATABASE_URL), dataDir: path.resolve(cwd, flags.data ?? defaultDataDir) };
}

/**
 * `sigbox tuf status|sign-root|publish|init [flags]` → a frozen {@link TufCommand}, or help. Secrets from env or
 * files (secrets.ts), never argv; env DATABASE_URL as `up` reads it. Throws ConfigError (exit 2).
 */
export function loadTufConfig(argv: readonly string[], env: Env, cwd: string, defaultDataDir: string): { command: 'tuf'; tuf: TufCommand } | { command: 'help' } {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') {
    if (action === undefined) throw new ConfigError('MISSING_COMMAND', "'tuf' needs what to do: status, sign-root, publish or init");
    return { command: 'help' };
  }
  const done = (tuf: TufCommand) => Object.freeze({ command: 'tuf' as const, tuf: Object.freeze(tuf) });
  if (action === 'init') {
    const init = loadInitConfig(rest, env, cwd);
    return init.command === 'help' ? init : done({ action: 'init', init: init.init });
  }
  if (action === 'status') {
    const flags = parseFlags(action, rest, ACTIONS.status);
    if (flags.help === true) return { command: 'help' };
    return done({ action, publicUrl: parsePublicUrl(flags['public-url']), ...database(flags, env, cwd, defaultDataDir) });
  }
  if (action === 'sign-root') {
    const flags = parseFlags(action, rest, ACTIONS['sign-root']);
    if (flags.help === true) return { command: 'help' };
    const rotateKeys = flags['rotate-key'] ?? [];
    if (new Set(rotateKeys).size !== rotateKeys.length) throw new ConfigError('INVALID_VALUE', '--rotate-key names a key twice');
    return done({
      action,
      keysDir: keysDir(action, flags.keys, cwd),
      secrets: keySecrets(flags, env, cwd),
      rotateKeys,
      addRootKeys: boundedInteger('add-root-key', flags['add-root-key'], 1, MAX_TUF_ROOT_KEYS) ?? 0,
      threshold: boundedInteger('threshold', flags.threshold, 1, MAX_TUF_ROOT_KEYS),
      expiryDays: boundedInteger('expiry-days', flags['expiry-days'], 1, MAX_ROOT_EXPIRY_DAYS) ?? DEFAULT_ROOT_EXPIRY_DAYS,
      rotateOnline: flags['rotate-online'] === true,
    });
  }
  if (action === 'publish') {
    const flags = parseFlags(action, rest, ACTIONS.publish);
    if (flags.help === true) return { command: 'help' };
    const url = parsePublicUrl(flags['public-url']);
    if (url === undefined) throw new ConfigError('INVALID_VALUE', "'tuf publish' needs --public-url URL: the box's, exactly (it is inside the trust files)");
    return done({
      action,
      keysDir: keysDir(action, flags.keys, cwd),
      secrets: keySecrets(flags, env, cwd),
      publicUrl: url,
      ctLog: flags['no-ct-log'] !== true,
      signingLog: parseSigningLog(flags['signing-log']),
      force: flags.force === true,
      ...database(flags, env, cwd, defaultDataDir),
    });
  }
  throw new ConfigError('UNKNOWN_COMMAND', `unknown command 'tuf ${action}': status, sign-root, publish or init`);
}

export const TUF_USAGE = `TUF repository (at <public-url>/tuf; the same secrets and database as above; on the embedded
PGlite, stop the box first):
  sigbox tuf status [--database-url URL | --data DIR] [--public-url URL]
                         each role's newest version and time left, the targets served, whether they are
                         what the box would publish now, warnings (offline roles: 60 days ahead); exit 1
                         if something has expired. Read-only
  sigbox tuf sign-root --keys DIR [--rotate-key tuf-root-N ...] [--add-root-key N] [--threshold M]
              [--expiry-days D] [--rotate-online]
                         root rotation: root N+1 from the newest DIR/tuf/N.root.json, expiring in D days
                         (default ${DEFAULT_ROOT_EXPIRY_DAYS}); new root keys replace the named ones or are added, M
                         of them sign from now on (default: as before); --rotate-online makes new snapshot
                         and timestamp keys. Signed by the old root's keys and the new one's, checked as a
                         client checks it, written to DIR/tuf/<N+1>.root.json. The box serves it within a
                         minute (give it that file and keyring.json, and any new snapshot/timestamp key)
  sigbox tuf publish --keys DIR --public-url URL [--database-url URL | --data DIR] [--no-ct-log]
                   [--signing-log v2|v1] [--force]
                         the offline targets step: signs the targets the box would publish now with the
                         targets key of DIR, for a box that does not hold it (its log says when one is due).
                         --public-url, --no-ct-log and --signing-log as the box runs. Refused if nothing changed, unless
                         --force (a new version, e.g. to extend its expiry of a year)
  sigbox tuf init ...    is "sigbox init": root 1 is signed by the key ceremony
`;
