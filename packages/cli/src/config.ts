import path from 'node:path';
import { DEFAULT_ONLINE_POLICY, DEFAULT_TUF_REFRESH_MS, type ServerConfig } from '@sigbox/server';
import { type CaCommand, loadCaConfig } from './ca-config.js';
import { type VerifyCommand, loadVerifyConfig } from './verify-config.js';
import { type ExportCommand, loadExportConfig } from './export-config.js';
import { DEV_OVERRIDE_FLAG, DEV_OVERRIDE_OPTION, checkDevShape } from './dev-guard.js';
import { ConfigError } from './error.js';
import { parseCommandFlags } from './flags.js';
import { boundedInteger, parseDatabaseUrl, parsePublicUrl, parseSigningLog } from './values.js';
import { type InitCommand, loadInitConfig } from './init-config.js';
import { type RotateCommand, loadRotateConfig } from './rotate-config.js';
import { type TufCommand, loadTufConfig } from './tuf-config.js';
import { existsSync } from 'node:fs';
import { type PolicyCommand, loadPolicyConfig } from './policy-config.js';
import { type MonitorCommand, loadMonitorConfig } from './monitor-config.js';
import { SECRET_FLAGS, keySecrets } from './secrets.js';

/** Fulcio's default HTTP port (`--port`, fulcio cmd/app/serve.go at v1.8.8); Sigbox serves every API on one port. */
export const DEFAULT_PORT = 8080;
/**
 * Loopback unless told otherwise, as Rekor binds by default (rekor v1.5.4 `rekor_server.address`, rekor-tiles v2.3.0
 * `--http-address`: 127.0.0.1).
 */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './.sigbox';
const MAX_PORT = 65_535;
/** Beyond this many worker processes a box this size gains nothing; a typo (`--workers 1000`) would hurt. */
export const MAX_WORKERS = 64;
/**
 * An hour bounds `--database-timeout` and `--database-wait`: beyond it a request or a start-up waits longer than any
 * client or supervisor would, and a typo in minutes-as-seconds is caught.
 */
export const MAX_DATABASE_SECONDS = 3_600;
/** A request timeout past an hour is no timeout; a typo (`--request-timeout 60000`, meant as ms) would be one. */
export const MAX_REQUEST_TIMEOUT_SECONDS = 3600;
/** Past this a connection cap caps nothing: the process runs out of file descriptors first. */
export const MAX_CONNECTIONS_LIMIT = 1_000_000;

export type CliConfig =
  | { readonly command: 'help' }
  | { readonly command: 'up'; readonly server: ServerConfig; readonly workers: number; readonly monitorPolicy?: string | undefined }
  | { readonly command: 'ca'; readonly ca: CaCommand }
  | { readonly command: 'init'; readonly init: InitCommand }
  | { readonly command: 'rotate'; readonly rotate: RotateCommand }
  | { readonly command: 'export'; readonly export: ExportCommand }
  | { readonly command: 'verify'; readonly verify: VerifyCommand }
  | { readonly command: 'tuf'; readonly tuf: TufCommand }
  | { readonly command: 'policy'; readonly policy: PolicyCommand }
  | { readonly command: 'monitor'; readonly monitor: MonitorCommand };

type Env = Readonly<Record<string, string | undefined>>;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'database-url': { type: 'string' },
  'database-timeout': { type: 'string' },
  'database-wait': { type: 'string' },
  'public-url': { type: 'string' },
  dev: { type: 'boolean' },
  [DEV_OVERRIDE_OPTION]: { type: 'boolean' },
  'fulcio-config': { type: 'string' },
  'witness-policy': { type: 'string' },
  'issuance-policy': { type: 'string' },
  'monitor-policy': { type: 'string' },
  'signing-log': { type: 'string' },
  keys: { type: 'string' },
  ...SECRET_FLAGS,
  'tuf-timestamp-expiry': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  workers: { type: 'string' },
  'no-ct-log': { type: 'boolean' },
  'request-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
  'entry-cache-mib': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: readonly string[]) {
  return parseCommandFlags(undefined, argv, OPTIONS);
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port <= MAX_PORT)) throw new ConfigError('INVALID_VALUE', `--port must be an integer from 0 to ${MAX_PORT}, got '${value}'`);
  return port;
}

/** Several processes share one database, so the embedded single-process PGlite cannot serve them. */
function parseWorkers(value: string | undefined, server: ServerConfig): number {
  if (value === undefined) return 1;
  const workers = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
  if (!(workers >= 1 && workers <= MAX_WORKERS)) throw new ConfigError('INVALID_VALUE', `--workers must be an integer from 1 to ${MAX_WORKERS}, got '${value}'`);
  if (workers > 1 && server.databaseUrl === undefined) {
    throw new ConfigError('INVALID_VALUE', '--workers above 1 needs --database-url: the embedded PGlite database serves one process');
  }
  return workers;
}

/** Whole seconds from `min` to {@link MAX_DATABASE_SECONDS}, in milliseconds; undefined when the flag is absent. */
function parseSeconds(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= min && seconds <= MAX_DATABASE_SECONDS)) {
    throw new ConfigError('INVALID_VALUE', `--${name} must be a whole number of seconds from ${min} to ${MAX_DATABASE_SECONDS}, got '${value}'`);
  }
  return seconds * 1000;
}

/**
 * --database-timeout: how long one database statement, or opening a connection, may take before the request is
 * answered 503 (the other database timeouts keep their defaults); --database-wait: how long start-up waits for the
 * database to answer. Both only with PostgreSQL: the embedded PGlite cannot be unreachable.
 */
function databaseTimes(flags: Flags, databaseUrl: string | undefined): Pick<ServerConfig, 'databaseTimeouts' | 'databaseWaitMs'> {
  const timeoutMs = parseSeconds('database-timeout', flags['database-timeout'], 1);
  const waitMs = parseSeconds('database-wait', flags['database-wait'], 0);
  if ((timeoutMs !== undefined || waitMs !== undefined) && databaseUrl === undefined) {
    throw new ConfigError('INVALID_VALUE', '--database-timeout and --database-wait need --database-url: the embedded PGlite database is never out of reach');
  }
  return {
    ...(timeoutMs === undefined ? {} : { databaseTimeouts: { connectMs: timeoutMs, statementMs: timeoutMs } }),
    ...(waitMs === undefined ? {} : { databaseWaitMs: waitMs }),
  };
}

/** `--request-timeout SECONDS` and `--max-connections N`, only where given: the server applies its own defaults. */
function connectionLimits(flags: Flags): Pick<ServerConfig, 'requestTimeoutMs' | 'maxConnections'> {
  const seconds = boundedInteger('request-timeout', flags['request-timeout'], 1, MAX_REQUEST_TIMEOUT_SECONDS);
  const maxConnections = boundedInteger('max-connections', flags['max-connections'], 1, MAX_CONNECTIONS_LIMIT);
  return { ...(seconds === undefined ? {} : { requestTimeoutMs: seconds * 1000 }), ...(maxConnections === undefined ? {} : { maxConnections }) };
}

/** The most `--entry-cache-mib` takes: beyond it a typo, not a cache (a log's whole history is in the database). */
const MAX_ENTRY_CACHE_MIB = 65_536;

/** `--entry-cache-mib N`, only where given: 0 keeps no entry in memory (every read queries the database). */
function entryCache(flags: Flags): Pick<ServerConfig, 'entryCacheBytes'> {
  const mib = boundedInteger('entry-cache-mib', flags['entry-cache-mib'], 0, MAX_ENTRY_CACHE_MIB);
  return mib === undefined ? {} : { entryCacheBytes: mib * 1024 * 1024 };
}

/** The shortest TUF timestamp lifetime: clients fetch it on every update, so a few seconds would be a denial of service. */
export const MIN_TUF_TIMESTAMP_SECONDS = 30;
/** A year: past it the timestamp no longer protects against a frozen mirror at all. */
export const MAX_TUF_TIMESTAMP_SECONDS = 365 * 86_400;

/**
 * `--tuf-timestamp-expiry S`: how long each TUF timestamp is signed for (default 7 days). It is re-signed with 6/7
 * of its life left, as the default's 6-day window does, and checked at least 14 times per lifetime, so a client
 * never sees one expire while the box runs.
 */
function tufTimes(flags: Flags): Pick<ServerConfig, 'tufPolicy' | 'tufRefreshMs'> {
  const seconds = boundedInteger('tuf-timestamp-expiry', flags['tuf-timestamp-expiry'], MIN_TUF_TIMESTAMP_SECONDS, MAX_TUF_TIMESTAMP_SECONDS);
  if (seconds === undefined) return {};
  const lifetimeMs = seconds * 1000;
  return {
    tufPolicy: { ...DEFAULT_ONLINE_POLICY, timestamp: { lifetimeMs, refreshBeforeMs: Math.floor((lifetimeMs * 6) / 7) } },
    tufRefreshMs: Math.min(DEFAULT_TUF_REFRESH_MS, Math.floor(lifetimeMs / 14)),
  };
}

/** `--dev` on loopback only, unless overridden (dev-guard.ts); the override alone is a mistake worth saying. */
function devShape(flags: Flags, server: ServerConfig): Pick<ServerConfig, 'devProductionShape'> {
  const overridden = flags[DEV_OVERRIDE_OPTION] === true;
  if (!server.dev) {
    if (overridden) throw new ConfigError('INVALID_VALUE', `${DEV_OVERRIDE_FLAG} only applies with --dev`);
    return {};
  }
  const reasons = checkDevShape(server, overridden);
  return reasons === undefined ? {} : { devProductionShape: reasons };
}

function nonEmpty(name: string, value: string | undefined, fallback: string): string {
  if (value === '') throw new ConfigError('INVALID_VALUE', `--${name} must not be empty`);
  return value ?? fallback;
}

function optionalPath(name: string, value: string | undefined, cwd: string): string | undefined {
  return value === undefined ? undefined : path.resolve(cwd, nonEmpty(name, value, ''));
}

/** A certificate without its key (or the reverse) cannot serve HTTPS: refuse rather than fall back to HTTP. */
function tlsPaths(flags: Flags, cwd: string): { tlsCertFile: string; tlsKeyFile: string } | undefined {
  const cert = optionalPath('tls-cert', flags['tls-cert'], cwd);
  const key = optionalPath('tls-key', flags['tls-key'], cwd);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new ConfigError('INVALID_VALUE', '--tls-cert and --tls-key must be given together');
  }
  return { tlsCertFile: cert, tlsKeyFile: key };
}

function serverConfig(flags: Flags, env: Env, cwd: string): ServerConfig {
  const databaseUrl = parseDatabaseUrl(flags['database-url'] ?? env.DATABASE_URL);
  const server: ServerConfig = {
    host: nonEmpty('host', flags.host, DEFAULT_HOST),
    port: parsePort(flags.port),
    dataDir: path.resolve(cwd, nonEmpty('data', flags.data, DEFAULT_DATA_DIR)),
    databaseUrl,
    ...databaseTimes(flags, databaseUrl),
    publicUrl: parsePublicUrl(flags['public-url']),
    dev: flags.dev === true,
    fulcioConfig: optionalPath('fulcio-config', flags['fulcio-config'], cwd),
    ...(flags['witness-policy'] === undefined ? {} : { witnessPolicy: optionalPath('witness-policy', flags['witness-policy'], cwd) }),
    ...(flags['issuance-policy'] === undefined ? {} : { issuancePolicy: optionalPath('issuance-policy', flags['issuance-policy'], cwd) }),
    ...(flags['signing-log'] === undefined ? {} : { signingLog: parseSigningLog(flags['signing-log']) }),
    keysDir: optionalPath('keys', flags.keys, cwd),
    keySecrets: keySecrets(flags, env, cwd),
    ...tlsPaths(flags, cwd),
    ...(flags['no-ct-log'] === true ? { ctLog: false } : {}),
    ...connectionLimits(flags),
    ...entryCache(flags),
    ...tufTimes(flags),
  };
  return Object.freeze({ ...server, ...devShape(flags, server) });
}

/**
 * The one place flags and environment are read: `argv` without node and script, the
 * environment (only `DATABASE_URL`, `SIGBOX_KEY_PASSPHRASE` and `SIGBOX_HSM_PIN`), the folder relative paths are resolved against. Returns a frozen config;
 * throws {@link ConfigError} for anything it cannot run.
 *
 * @example
 * loadConfig(['up', '--port', '9000'], {}) // { command: 'up', server: { port: 9000, host: '127.0.0.1', … } }
 */
export function loadConfig(argv: readonly string[], env: Env, cwd: string = process.cwd()): CliConfig {
  // `sigbox ca …` and `sigbox verify` have their own flags (ca-config.ts, verify-config.ts): dispatch before the `up` flags are parsed strictly.
  if (argv[0] === 'ca') return loadCaConfig(argv.slice(1), env, cwd);
  if (argv[0] === 'init') return loadInitConfig(argv.slice(1), env, cwd);
  if (argv[0] === 'rotate') return loadRotateConfig(argv.slice(1), env, cwd, DEFAULT_DATA_DIR);
  if (argv[0] === 'verify') return loadVerifyConfig(argv.slice(1), env, cwd, DEFAULT_DATA_DIR);
  if (argv[0] === 'tuf') return loadTufConfig(argv.slice(1), env, cwd, DEFAULT_DATA_DIR);
  if (argv[0] === 'policy') return loadPolicyConfig(argv.slice(1), env, cwd, DEFAULT_DATA_DIR, existsSync);
  if (argv[0] === 'export') return loadExportConfig(argv.slice(1), cwd);
  if (argv[0] === 'monitor') return loadMonitorConfig(argv.slice(1), env, cwd);
  const { values, positionals } = parseFlags(argv);
  if (values.help === true) return Object.freeze({ command: 'help' });
  const [command, ...rest] = positionals;
  if (command === undefined) throw new ConfigError('MISSING_COMMAND', 'missing command');
  if (command !== 'up') throw new ConfigError('UNKNOWN_COMMAND', `unknown command '${command}'`);
  if (rest.length > 0) throw new ConfigError('UNKNOWN_COMMAND', `unexpected argument '${rest[0]}'`);
  const server = serverConfig(values, env, cwd);
  const workers = parseWorkers(values.workers, server);
  const monitorPolicy = optionalPath('monitor-policy', values['monitor-policy'], cwd);
  if (monitorPolicy !== undefined && workers > 1) throw new ConfigError('INVALID_VALUE', '--monitor-policy runs in one process: with --workers, run `sigbox monitor` beside the box');
  return Object.freeze({ command, server, workers, ...(monitorPolicy === undefined ? {} : { monitorPolicy }) });
}
