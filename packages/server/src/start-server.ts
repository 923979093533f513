import type { Server } from 'node:http';
import path from 'node:path';
import { type Database, type Engine, createDb, isDatabaseUnavailable, runMigrations, sql } from '@sigbox/db';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createApp } from './app.js';
import { LOG_WRITE_ROUTES } from './pipeline/admission.js';
import { createMeasuredAdmission } from './admission-metrics.js';
import { ensureDataDir, writeFileAtomic } from './data-dir.js';
import { StartError } from './error.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits, type TlsFiles, closeGracefully, httpUrl, listen } from './listen.js';
import { loadKeyring } from '@sigbox/keyring';
import { type BoxKeys, openBoxKeys, preflightKeys } from './trust/box-keys.js';
import { ensureDevKeyring } from './trust/dev-keyring.js';
import { trustKeysVersion } from './trust/trust-keys.js';
import { hasFirstRoot, rootFile, signFirstRoot } from './tuf/tuf-root.js';
import { DEFAULT_TUF_REFRESH_MS } from './tuf/tuf-service.js';
import { DEV_ISSUER_PATH } from './dev-issuer/dev-issuer.js';
import type { ServerConfig } from './server-config.js';
import { type Mounted, mountServices } from './mount.js';
import { TRUST_FILE_NAMES, type TrustFile, type TrustFileRole, trustFileLocations } from './trust-files.js';

/** Below Kubernetes' default 30 s termination grace period, so we finish before SIGKILL. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/**
 * How long start-up waits for a PostgreSQL that does not answer yet (`--database-wait`): long enough for a database
 * started beside Sigbox (docker compose, a pod's other container) to come up and replay its WAL, short enough that a
 * wrong address fails the start within a minute rather than hanging a deployment.
 */
export const DEFAULT_DATABASE_WAIT_MS = 60_000;
/** Start-up's first retry comes this soon; each later one waits twice as long, up to {@link DATABASE_RETRY_MAX_MS}. */
export const DATABASE_RETRY_FIRST_MS = 250;
export const DATABASE_RETRY_MAX_MS = 5_000;
export const TRUSTED_ROOT_FILE = TRUST_FILE_NAMES.trustedRoot;
/** A rotation is followed within this long by every process (a query of two aggregates per poll). */
export const DEFAULT_TRUST_POLL_MS = 2_000;
/** The embedded database's folder inside the data folder. */
export const PGLITE_DIR = 'pglite';

export type { ServerConfig } from './server-config.js';

export interface StartOptions {
  readonly logger: Logger;
  /** Signals that trigger a graceful shutdown (the cli passes SIGTERM and SIGINT; tests none). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Signals that re-read --fulcio-config and --issuance-policy (the cli passes SIGHUP; tests call reload()). */
  readonly reloadSignals?: readonly NodeJS.Signals[];
}

export interface RunningServer {
  /** Where it listens, with the real port. */
  readonly url: string;
  readonly publicUrl: string;
  readonly engine: Engine;
  readonly trustedRootFile: string;
  /** Every trust file (trusted root, signing config, client trust config, CA chain, log keys) in the data folder. */
  readonly trustFiles: Readonly<Record<Exclude<TrustFileRole, 'ctKey'>, string>> & { readonly ctKey?: string };
  /** Things an operator must hear about at start (printed by the cli). */
  readonly warnings: readonly string[];
  /** The TUF repository's URL (`<public-url>/tuf`) and the root clients are given once (`<keys>/tuf/1.root.json`). */
  readonly tuf: { readonly mirror: string; readonly rootFile: string };
  /** `<public-url>/oidc` when --dev mounted the development issuer. */
  readonly devIssuerUrl: string | undefined;
  /** Re-reads --fulcio-config and --issuance-policy now (what SIGHUP does); a bad file is refused, the old one kept. */
  reload(): Promise<void>;
  /** Resolves once shut down, whether by close() or by a signal. */
  readonly closed: Promise<void>;
  /** Graceful shutdown: stop accepting, finish in-flight requests (bounded), close the database. Idempotent. */
  close(): Promise<void>;
}

async function openDatabase(config: ServerConfig, logger: Logger): Promise<Database> {
  const waitMs = config.databaseWaitMs ?? DEFAULT_DATABASE_WAIT_MS;
  const started = performance.now();
  for (let attempt = 1, delayMs = DATABASE_RETRY_FIRST_MS; ; attempt++, delayMs = Math.min(delayMs * 2, DATABASE_RETRY_MAX_MS)) {
    const db = createDb(
      config.databaseUrl === undefined
        ? { pglite: { dataDir: path.join(config.dataDir, PGLITE_DIR) } }
        : { url: config.databaseUrl, ...(config.databaseTimeouts === undefined ? {} : { timeouts: config.databaseTimeouts }) },
    );
    try {
      await runMigrations(db);
      return db;
    } catch (cause) {
      await db.close();
      // Only a database that did not answer is worth waiting for: a refused password or a failed migration is not.
      if (!isDatabaseUnavailable(cause)) throw new StartError('DATABASE_UNAVAILABLE', `cannot open or migrate the database: ${String(cause)}`, { cause });
      const left = waitMs - (performance.now() - started);
      if (left <= 0) {
        const waited = `${attempt} attempt${attempt === 1 ? '' : 's'} in ${Math.round((performance.now() - started) / 1000)} s`;
        throw new StartError('DATABASE_UNAVAILABLE', `the database did not answer (${waited}): ${cause.message}`, { cause });
      }
      const retryInMs = Math.min(delayMs, left);
      logger.warn({ attempt, retryInMs, reason: cause.message }, 'the database does not answer yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}

/** The keyring of `--keys`, every online key opened and checked; a failure is one StartError line. */
async function openProductionKeys(config: ServerConfig): Promise<BoxKeys> {
  if (config.keysDir === undefined) {
    throw new StartError('KEY_UNUSABLE', 'no keys: make them once with `sigbox init --keys DIR`, then start with `--keys DIR` (or use --dev for a throwaway development box)');
  }
  let keys: BoxKeys | undefined;
  try {
    keys = openBoxKeys({ keyring: await loadKeyring(config.keysDir), secrets: config.keySecrets ?? {}, allowPlaintext: false });
    await preflightKeys(keys);
    return keys;
  } catch (cause) {
    await keys?.close();
    throw new StartError('KEY_UNUSABLE', `cannot use the keys in ${config.keysDir}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** `--dev`: the development keyring in the data folder, made on first start, every key in clear. */
async function openDevKeys(config: ServerConfig): Promise<BoxKeys> {
  try {
    const keyring = config.keysDir === undefined ? await ensureDevKeyring(config.dataDir) : await loadKeyring(config.keysDir);
    if (!(await hasFirstRoot(keyring))) {
      // Two processes starting together: the second finds the first's root (written exclusively) and keeps it.
      await signFirstRoot({ keyring, secrets: config.keySecrets ?? {}, threshold: 1, allowPlaintext: true }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      });
    }
    return openBoxKeys({ keyring, secrets: config.keySecrets ?? {}, allowPlaintext: true });
  } catch (cause) {
    throw new StartError('KEY_UNUSABLE', `cannot make or read the development keys: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function connectionLimits(config: ServerConfig): ConnectionLimits {
  return {
    requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    maxConnections: config.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections,
  };
}

function tlsFiles(config: ServerConfig): TlsFiles | undefined {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = config;
  return certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile, passphrase: config.keySecrets?.passphrase };
}

/**
 * Composition root: data folder, database and migrations, services, then listen; the trust files are built once
 * the public URL is known (the port may be chosen at listen time), written to `<dataDir>/<name>` and served.
 * The returned handle shuts everything down.
 */
export async function startServer(config: ServerConfig, options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  // Outside --dev every key is opened before anything is written: a refusal leaves no folder and no database.
  const keys = config.dev ? undefined : await openProductionKeys(config);
  await ensureDataDir(config.dataDir, logger).catch((cause: unknown) => {
    throw new StartError('DATA_DIR_UNUSABLE', `cannot use data folder ${config.dataDir}: ${String(cause)}`, { cause });
  });
  const boxKeys = keys ?? (await openDevKeys(config));
  let db: Database;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    await boxKeys.close();
    throw err;
  }
  const registry = new Registry();
  let listeningUrl: string | undefined;
  const tls = tlsFiles(config);
  const publicUrl = () => config.publicUrl ?? listeningUrl ?? httpUrl(config.host, config.port, tls !== undefined);
  let mounted: Mounted;
  try {
    mounted = await mountServices(config, db, boxKeys, registry, publicUrl, logger);
  } catch (err) {
    await db.close();
    await boxKeys.close();
    throw err;
  }
  let trustFiles: readonly TrustFile[] = [];
  const limits = connectionLimits(config);
  const app = createApp({
    logger,
    registry,
    apis: mounted.apis,
    ...(config.bodyLimit === undefined ? {} : { bodyLimit: config.bodyLimit }),
    requestTimeoutMs: limits.requestTimeoutMs,
    healthCheck: async () => void (await sql`select 1`.execute(db.kysely)),
    trustFiles: () => trustFiles,
    // The log's writes wait their turn before their body is read, and are refused quickly (503 + Retry-After) when
    // their turn would come too late: pipeline/admission.ts.
    guards: [createMeasuredAdmission(registry, { routes: LOG_WRITE_ROUTES }).guard],
  });
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(app, config.host, config.port, { tls, limits, logger });
  } catch (cause) {
    await mounted.close();
    await db.close();
    await boxKeys.close();
    throw new StartError('LISTEN_FAILED', `cannot listen on ${config.host}:${config.port}: ${String(cause)}`, { cause });
  }
  const url = httpUrl(config.host, listening.port, tls !== undefined);
  listeningUrl = url;
  trustFiles = await mounted.trustFiles(publicUrl());
  const warnings = mounted.afterListen(publicUrl());
  for (const file of trustFiles) await writeFileAtomic(path.join(config.dataDir, file.name), file.body);
  try {
    await mounted.publish(publicUrl(), trustFiles);
  } catch (cause) {
    await closeGracefully(listening.server, 0);
    await mounted.close();
    await db.close();
    await boxKeys.close();
    throw new StartError('KEY_UNUSABLE', `cannot publish the TUF repository: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  // The online roles are re-signed well before they expire, whatever else happens; a failed round is retried.
  const tufTimer = setInterval(() => {
    mounted.publish(publicUrl(), trustFiles).catch((err: unknown) => logger.error({ err }, 'TUF refresh failed; retrying at the next round'));
  }, config.tufRefreshMs ?? DEFAULT_TUF_REFRESH_MS);
  tufTimer.unref();
  // The trust history is polled: a rotation (`sigbox rotate`, or another process) is followed within a poll, the
  // trust files rebuilt, written and published. A cheap query; a failed round is retried at the next.
  let trustVersion = await trustKeysVersion(db);
  let polling = false;
  const trustTimer = setInterval(() => {
    if (polling) return;
    polling = true;
    (async () => {
      const version = await trustKeysVersion(db);
      if (version === trustVersion && !mounted.followPending()) return;
      await mounted.follow();
      trustFiles = await mounted.trustFiles(publicUrl());
      for (const file of trustFiles) await writeFileAtomic(path.join(config.dataDir, file.name), file.body);
      await mounted.publish(publicUrl(), trustFiles);
      trustVersion = version;
    })()
      .catch((err: unknown) => logger.error({ err }, 'following the trust history failed; retrying at the next poll'))
      .finally(() => (polling = false));
  }, config.trustPollMs ?? DEFAULT_TRUST_POLL_MS);
  trustTimer.unref();
  const closeServices = async () => {
    clearInterval(tufTimer);
    clearInterval(trustTimer);
    await mounted.close();
    await boxKeys.close();
  };
  const reload = () => mounted.reload();
  return running({ config, options, db, server: listening.server, url, warnings, closeServices, reload, tufRootFile: rootFile(boxKeys.source.keyring, 1) });
}

function writtenTrustFiles(config: ServerConfig): RunningServer['trustFiles'] {
  const { ctKey, ...always } = trustFileLocations(config.dataDir);
  return config.ctLog === false ? always : { ...always, ctKey };
}

function running(parts: {
  config: ServerConfig;
  options: StartOptions;
  db: Database;
  server: Server;
  url: string;
  warnings: string[];
  closeServices: () => Promise<void>;
  reload: () => Promise<void>;
  tufRootFile: string;
}): RunningServer {
  const { config, options, db, server } = parts;
  const signals = options.signals ?? [];
  const reloadSignals = options.reloadSignals ?? [];
  function onReloadSignal(signal: NodeJS.Signals): void {
    options.logger.info({ signal }, 'signal received: reloading the config files');
    parts.reload().catch((err: unknown) => options.logger.error({ err }, 'reload failed'));
  }
  for (const signal of reloadSignals) process.on(signal, onReloadSignal);
  let settle!: { resolve: () => void; reject: (err: unknown) => void };
  // Whoever starts the shutdown (close() or a signal), `closed` follows it.
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Callers that only call close() see its rejection there; no unhandled rejection from `closed`.
  closed.catch(() => undefined);
  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    for (const signal of signals) process.off(signal, onSignal);
    for (const signal of reloadSignals) process.off(signal, onReloadSignal);
    options.logger.info('shutting down');
    try {
      await closeGracefully(server, config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      await parts.closeServices();
    } finally {
      await db.close();
    }
    options.logger.info('stopped');
  };
  const close = (): Promise<void> => {
    if (closing === undefined) {
      closing = shutdown();
      closing.then(settle.resolve, settle.reject);
    }
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    options.logger.info({ signal }, 'signal received');
    close().catch((err: unknown) => options.logger.error({ err }, 'shutdown failed'));
  }
  for (const signal of signals) process.once(signal, onSignal);
  return {
    url: parts.url,
    publicUrl: config.publicUrl ?? parts.url,
    engine: db.engine,
    trustedRootFile: path.join(config.dataDir, TRUSTED_ROOT_FILE),
    trustFiles: writtenTrustFiles(config),
    warnings: parts.warnings,
    tuf: { mirror: `${config.publicUrl ?? parts.url}/tuf`, rootFile: parts.tufRootFile },
    devIssuerUrl: config.dev ? `${config.publicUrl ?? parts.url}${DEV_ISSUER_PATH}` : undefined,
    reload: parts.reload,
    closed,
    close,
  };
}

