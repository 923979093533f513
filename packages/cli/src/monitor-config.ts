import path from 'node:path';
import { ConfigError } from './error.js';
import { noPositionals, parseCommandFlags } from './flags.js';
import { boundedInteger, parseDatabaseUrl } from './values.js';

export type MonitorLogKind = 'rekor-v1' | 'tiles' | 'ct';

/** `sigbox monitor …`, validated. */
export interface MonitorCommand {
  /** The log URL as given (no trailing slash); for `tiles` without a path, this Sigbox's Rekor v2 `/api/v2` is read. */
  readonly log: string;
  /**
   * The URL the trusted root names the log by, when it is not `log` (inside `sigbox up`: the public URL, while the
   * monitor reads the listening one). Not a flag.
   */
  readonly trustUrl?: string;
  readonly kind: MonitorLogKind;
  /** A PEM public key; without it the keys come from `<log origin>/trusted_root.json`. */
  readonly logKeyFile: string | undefined;
  readonly policyFile: string | undefined;
  readonly images: readonly string[];
  readonly dockerConfigFile: string;
  readonly webhook: string | undefined;
  /** The state (and the webhook outbox `<file>.outbox`): a file, or rows in the database. */
  readonly store: { readonly kind: 'file'; readonly file: string } | { readonly kind: 'database'; readonly url: string };
  readonly once: boolean;
  /** `--from head`: with no state yet, start at the current head instead of the first entry (tiles only). */
  readonly fromHead: boolean;
  readonly intervalSeconds: number;
  readonly metricsPort: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Seconds between rounds by default: an unchanged log costs one checkpoint read per round (tiles), so alerts can
 * come within seconds; rekor-monitor's GitHub Actions workflow polls hourly instead.
 */
export const DEFAULT_MONITOR_INTERVAL_S = 10;
export const DEFAULT_MONITOR_STATE_FILE = 'sigbox-monitor.json';
const MAX_INTERVAL_S = 86_400;

const str = { type: 'string' } as const;
const FLAGS = {
  log: str,
  'log-key': str,
  kind: str,
  policy: str,
  images: { type: 'string', multiple: true },
  'docker-config': str,
  webhook: str,
  state: str,
  'database-url': str,
  once: { type: 'boolean' },
  from: str,
  interval: str,
  'metrics-port': str,
  help: { type: 'boolean', short: 'h' },
} as const;

function httpUrl(name: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new ConfigError('INVALID_VALUE', `--${name} must be an http(s) URL without query or fragment, got '${value}'`);
  }
  return url.href.replace(/\/+$/, '');
}

function kindOf(value: string | undefined): MonitorLogKind {
  if (value === undefined) return 'tiles';
  if (value === 'rekor-v1' || value === 'tiles' || value === 'ct') return value;
  throw new ConfigError('INVALID_VALUE', `--kind must be rekor-v1, tiles or ct, got '${value}'`);
}

/**
 * `sigbox monitor --log URL [--kind …] [--log-key FILE] [--policy FILE] [--images REPO…] [--docker-config FILE]
 * [--webhook URL] [--state FILE | --database-url URL] [--once] [--interval S] [--metrics-port N]`.
 */
export function loadMonitorConfig(argv: readonly string[], env: Env, cwd: string): { command: 'monitor'; monitor: MonitorCommand } | { command: 'help' } {
  const { values, positionals } = parseCommandFlags('monitor', argv, FLAGS);
  if (values.help === true) return { command: 'help' };
  noPositionals(positionals);
  if (values.log === undefined) throw new ConfigError('INVALID_VALUE', "'monitor' needs --log URL");
  const databaseUrl = parseDatabaseUrl(values['database-url']);
  if (databaseUrl !== undefined && values.state !== undefined) throw new ConfigError('INVALID_VALUE', '--state and --database-url are alternatives: give one');
  const kind = kindOf(values.kind);
  if (values.from !== undefined && values.from !== 'start' && values.from !== 'head') throw new ConfigError('INVALID_VALUE', `--from must be start or head, got '${values.from}'`);
  if (values.from === 'head' && kind !== 'tiles') throw new ConfigError('INVALID_VALUE', '--from head needs --kind tiles: the right edge of the tree is read from the log\'s tiles');
  const resolve = (file: string | undefined) => (file === undefined || file === '' ? undefined : path.resolve(cwd, file));
  const monitor: MonitorCommand = {
    log: httpUrl('log', values.log),
    kind,
    logKeyFile: resolve(values['log-key']),
    policyFile: resolve(values.policy),
    images: values.images ?? [],
    // docker/cli config.Dir(): $DOCKER_CONFIG, else ~/.docker.
    dockerConfigFile: resolve(values['docker-config']) ?? path.join(env.DOCKER_CONFIG || path.join(env.HOME ?? '', '.docker'), 'config.json'),
    webhook: values.webhook === undefined ? undefined : httpUrl('webhook', values.webhook),
    store: databaseUrl === undefined ? { kind: 'file', file: resolve(values.state) ?? path.resolve(cwd, DEFAULT_MONITOR_STATE_FILE) } : { kind: 'database', url: databaseUrl },
    once: values.once === true,
    fromHead: values.from === 'head',
    intervalSeconds: boundedInteger('interval', values.interval, 1, MAX_INTERVAL_S) ?? DEFAULT_MONITOR_INTERVAL_S,
    metricsPort: boundedInteger('metrics-port', values['metrics-port'], 0, 65_535),
  };
  return Object.freeze({ command: 'monitor' as const, monitor: Object.freeze(monitor) });
}

export const MONITOR_USAGE = `The monitor: sigbox monitor --log URL [flags]
  Follows a transparency log: verifies every new tree head's signature and its consistency with the last
  verified one, rebuilds the tree from every new entry, and alerts on a bad signature, a rollback, a fork,
  entries not in the tree, a watched identity used against its policy rule, and unsigned images. The state
  never moves past a tree head it has not verified.
    --log URL            the log; for this Sigbox its URL alone (tiles: URL/api/v2, or URL/api/v1/log/tiles)
    --kind K             tiles (default: C2SP tlog-tiles), rekor-v1 (the Rekor v1 API) or ct (RFC 6962)
    --log-key FILE       the log's PEM public key (default: the keys URL/trusted_root.json lists for it)
    --policy FILE        accepted-identities policy (sigbox policy format): alert when a rule's selector
                         matches an entry's certificate and its expectations fail, or on any use; re-read
                         on SIGHUP (a bad file is logged and the old rules kept)
    --images REPO        registry repositories (repeatable): alert on any tag whose image has no valid
                         signature from an identity the policy accepts
    --docker-config FILE registry credentials (default DOCKER_CONFIG/config.json, else ~/.docker/config.json)
    --webhook URL        POST each alert as JSON, retried with backoff until delivered, across restarts
    --state FILE         where the last verified head is kept (default ./${DEFAULT_MONITOR_STATE_FILE}; FILE.outbox
                         holds undelivered webhook alerts)
    --database-url URL   keep state and outbox in PostgreSQL instead (migrations/0009_monitor.sql)
    --once               one round, then exit: 1 if it raised an alert, 0 if not (for CI)
    --from start|head    with no state yet: read the log from its first entry (default), or start at its
                         current head (tiles only; its signature and the tiles' rebuilt root are checked, the
                         earlier entries are not read)
    --interval S         seconds between rounds (default ${DEFAULT_MONITOR_INTERVAL_S})
    --metrics-port N     serve Prometheus metrics (sigbox_monitor_*) on 127.0.0.1:N/metrics
`;
