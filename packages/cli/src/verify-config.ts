import path from 'node:path';
import { ConfigError } from './error.js';
import { noPositionals, parseCommandFlags } from './flags.js';
import { parseDatabaseUrl } from './values.js';

/** `sigbox verify`, validated: where the database and the trust material are. */
export interface VerifyCommand {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly trustedRootFile: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

const OPTIONS = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
  'trusted-root': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value === '') throw new ConfigError('INVALID_VALUE', `--${name} must not be empty`);
  return value;
}

/**
 * `sigbox verify [--data DIR] [--database-url URL] [--trusted-root FILE]` → a frozen {@link VerifyCommand}, or help.
 * Reads env DATABASE_URL only, as `up` does; throws ConfigError (exit 2) for anything it cannot run.
 */
export function loadVerifyConfig(argv: readonly string[], env: Env, cwd: string, defaultDataDir: string): { command: 'verify'; verify: VerifyCommand } | { command: 'help' } {
  const { values, positionals } = parseCommandFlags('verify', argv, OPTIONS);
  noPositionals(positionals);
  if (values.help === true) return { command: 'help' };
  const trustedRoot = nonEmpty('trusted-root', values['trusted-root']);
  const verify: VerifyCommand = {
    dataDir: path.resolve(cwd, nonEmpty('data', values.data) ?? defaultDataDir),
    databaseUrl: parseDatabaseUrl(values['database-url'] ?? env.DATABASE_URL),
    trustedRootFile: trustedRoot === undefined ? undefined : path.resolve(cwd, trustedRoot),
  };
  return Object.freeze({ command: 'verify', verify: Object.freeze(verify) });
}

export const VERIFY_USAGE = `Proving a backup (or any database): sigbox verify [flags]
  rebuilds every log tree from its stored entries and checks every stored tile, checkpoint root and checkpoint
  signature against the trust material; exit 0 when all is well, 1 on any problem, 2 on a bad command line
  --data DIR             data folder (default ./.sigbox): PGlite in DIR/pglite without --database-url
                         (stop "sigbox up" first: PGlite serves one process at a time)
  --database-url URL     PostgreSQL URL (or env DATABASE_URL)
  --trusted-root FILE    the trusted root whose tlogs/ctlogs keys the checkpoints must verify under
                         (default DIR/trusted_root.json, as "sigbox up" writes it)
`;
