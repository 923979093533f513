import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { CERTIFICATE_LIFETIME_MS, type LoadedCa, type SctIssuer } from '@sigbox/ca';
import { loadOrCreatePrivateKey } from '@sigbox/core';
import type { CtLog } from '@sigbox/ctlog';
import { type Database, sql } from '@sigbox/db';
import { freezeLogTree } from '@sigbox/log';
import { REKOR_TREE_NAME, type RekorShard, createShardedRekorLog, rekorShardTreeName } from '@sigbox/rekor';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { caSctIssuer } from './ct/ca-sct-issuer.js';
import { createCtApi } from './ct/ct-api.js';
import { backfillTrees, startKeyBackfill } from './explorer/key-backfill.js';
import { mountExplorer } from './explorer/mount-explorer.js';
import { type CtSetup, ctTreeName, openCt } from './ct/open-ct.js';
import { DEV_ISSUER_PATH, createDevIssuerApi } from './dev-issuer/dev-issuer.js';
import { openCa } from './fulcio/open-ca.js';
import { createRateLimitStore } from './fulcio/rate-limit-store.js';
import { createReloadMetrics } from './reload/reload-metrics.js';
import { createLogMetrics } from './log-metrics.js';
import { httpUrl } from './listen.js';
import type { Api } from './pipeline/api.js';
import { type OpenedRekorShard, openRekorShard } from './rekor/open-rekor.js';
import { createRekorApi } from './rekor/rekor-api.js';
import { mountRekorV2 } from './rekor-v2/mount-rekor-v2.js';
import type { ServerConfig } from './server-config.js';
import type { TrustFile } from './trust-files.js';
import { boxTrustFiles } from './trust/box-trust-files.js';
import type { BoxKeys } from './trust/box-keys.js';
import { swappable } from './trust/swappable.js';
import { chainDerOf, chainPemOf } from './trust/trust-history.js';
import { type TrustKeyRow, type TrustRole, type TrustTables, activeKey, readTrustKeys, registerFirstKey } from './trust/trust-keys.js';
import { certificateKeyId } from './trust/rotate.js';
import { openTsa } from './tsa/open-tsa.js';
import { createTufApi } from './tuf/tuf-api.js';
import { createTufService } from './tuf/tuf-service.js';
import { createTufStore } from './tuf/tuf-store.js';
import { createWitnessMetrics, loadWitnessPolicy } from './witness/index.js';
import { tufTargets } from './tuf/tuf-targets.js';

/** The APIs every `sigbox up` serves, the trust files that describe them, and how they follow a rotation. */
export interface Mounted {
  apis: Api[];
  trustFiles(publicUrl: string): Promise<TrustFile[]>;
  /** Publishes the trust files through the TUF repository (new targets when they changed, online roles as due). */
  publish(publicUrl: string, files: readonly TrustFile[]): Promise<void>;
  /** Switches to the keys the trust history names now (another process's or `sigbox rotate`'s rotation). */
  follow(): Promise<void>;
  /** Whether a retired key's window waits for its frozen tree to be integrated: follow again even if nothing changed. */
  followPending(): boolean;
  /** Re-reads the reloadable config files (--fulcio-config, --issuance-policy): SIGHUP. */
  reload(): Promise<void>;
  /** Once the public URL is known: trust the development issuer (with --dev); returns start-up warnings. */
  afterListen(publicUrl: string): string[];
  close(): Promise<void>;
}

/**
 * The development issuer's RSA token key, in the data folder so tokens stay valid across a restart. A new name
 * since it became RSA: folders made earlier keep an unused `dev-oidc.pem` (P-256).
 */
export const DEV_ISSUER_KEY_FILE = path.join('keys', 'dev-oidc-rsa.pem');

async function openDevIssuer(config: ServerConfig, publicUrl: () => string): Promise<Api> {
  const privateKey = await loadOrCreatePrivateKey(path.join(config.dataDir, DEV_ISSUER_KEY_FILE), 'rsa');
  return createDevIssuerApi({ issuerUrl: () => `${publicUrl()}${DEV_ISSUER_PATH}`, privateKey });
}

const rowsOf = (rows: readonly TrustKeyRow[], role: TrustRole) => rows.filter((r) => r.role === role);
const issuingKeyId = (ca: LoadedCa) => certificateKeyId(ca.chainDer[0] as Uint8Array);

/**
 * How long after a log key stopped taking entries its window ends: the entries sequenced before the freeze are
 * integrated (their integrated time set) first, then the end is written with this margin for clocks.
 */
const LOG_WINDOW_MARGIN_MS = 1_000;

/** Ends a key's window once, keeping the latest end any process asked for (each ends it after its own last use). */
async function endWindow(db: Database, role: TrustRole, keyId: string, at: Date): Promise<void> {
  await db.kysely
    .withTables<TrustTables>()
    .updateTable('trust_keys')
    .set({ valid_to: sql<Date>`greatest(coalesce(valid_to, ${at}), ${at})` })
    .where('role', '=', role)
    .where('key_id', '=', keyId)
    .execute();
}

/** Records which tree a rotated log key signs, once it is open. */
async function recordTree(db: Database, role: TrustRole, keyId: string, treeId: bigint): Promise<void> {
  await db.kysely.withTables<TrustTables>().updateTable('trust_keys').set({ tree_id: treeId }).where('role', '=', role).where('key_id', '=', keyId).where('tree_id', 'is', null).execute();
}

/**
 * Opens every service on the keys the trust history names (on first start: the keyring's), and follows the
 * history from then on: a rotated Rekor key becomes a new shard (the old tree frozen, still served), a rotated CT
 * key a new tree, a rotated CA the issuer of every new certificate. Old keys keep their rows; their window ends
 * once nothing they sign is in flight, and the trust files list them until clients no longer need them.
 */
export async function mountServices(config: ServerConfig, db: Database, keys: BoxKeys, registry: Registry, publicUrl: () => string, logger: Logger): Promise<Mounted> {
  // Known before listening even with port 0: only the hostname names the log (origin, signature name).
  const hostname = new URL(config.publicUrl ?? httpUrl(config.host, config.port || 1)).hostname;
  const logMetrics = createLogMetrics(registry);
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    // Rekor: one shard per key of the history, oldest first; the first key's tree keeps its name `rekor`.
    const shards = new Map<string, Promise<OpenedRekorShard>>();
    const openShard = (keyName: string, keyId: string | undefined, first: boolean, readOnly: boolean) => {
      const memoKey = keyId ?? keyName;
      let found = shards.get(memoKey);
      if (found === undefined) {
        found = (async () => {
          const key = await keys.signingKey(keyName);
          const opened = await openRekorShard({ db, hostname, metrics: logMetrics.forTree('rekor'), key, treeName: first ? REKOR_TREE_NAME : rekorShardTreeName(keyId ?? ''), readOnly });
          closers.push(() => opened.close());
          return opened;
        })();
        shards.set(memoKey, found);
        found.catch(() => shards.delete(memoKey));
      }
      return found;
    };
    const rekorShards = async (rows: readonly TrustKeyRow[]): Promise<RekorShard[]> => {
      const history = rowsOf(rows, 'rekor');
      const list: OpenedRekorShard[] = [];
      for (const [i, row] of history.entries()) {
        const opened = await openShard(row.key_name, row.key_id, i === 0, i < history.length - 1);
        if (row.tree_id === null) await recordTree(db, 'rekor', row.key_id, opened.shard.tree.treeId);
        list.push(opened);
      }
      return list.map((s) => s.shard);
    };

    let history = await readTrustKeys(db);
    if (rowsOf(history, 'rekor').length === 0) {
      const first = await openShard(keys.newest('rekor').name, undefined, true, false);
      const key = await keys.signingKey(keys.newest('rekor').name);
      await registerFirstKey(db, { role: 'rekor', key_id: first.logId, key_name: key.entry.name, material: key.entry.publicKey, tree_id: first.shard.tree.treeId, valid_from: first.validFrom });
      shards.set(first.logId, Promise.resolve(first));
      history = await readTrustKeys(db);
    }
    const rekor = await createShardedRekorLog({ shards: await rekorShards(history), refreshShards: async () => rekorShards(await readTrustKeys(db)), entryCacheBytes: config.entryCacheBytes });

    // CA: the newest of the history issues; every CA root still listed is accepted by the CT log.
    if (rowsOf(history, 'ca').length === 0) {
      const name = keys.newest('ca').name;
      const ca = await keys.ca(name);
      const issuing = new X509Certificate(Buffer.from(ca.chainDer[0] as Uint8Array));
      await registerFirstKey(db, { role: 'ca', key_id: issuingKeyId(ca), key_name: name, material: chainPemOf(ca.chainDer), tree_id: null, valid_from: new Date(issuing.validFrom) });
      history = await readTrustKeys(db);
    }
    const caRoots = (rows: readonly TrustKeyRow[]) => rowsOf(rows, 'ca').map((r) => chainDerOf(r.material).at(-1) as Uint8Array);
    let caRow = activeKey(history, 'ca') as TrustKeyRow;
    const caKeys = await keys.ca(caRow.key_name);

    // CT: the newest key's tree takes every precertificate; a rotated key gets a tree of its own.
    let ct: { setup: CtSetup; row: TrustKeyRow } | undefined;
    let ctLog: ReturnType<typeof swappable<CtLog>> | undefined;
    const openCtFor = async (row: TrustKeyRow | undefined, first: boolean): Promise<CtSetup> => {
      const key = await keys.signingKey(row?.key_name ?? keys.newest('ct').name);
      const setup = await openCt({ db, key, hostname, metrics: logMetrics.forTree('ct'), ...(first ? {} : { treeName: ctTreeName(row?.key_id ?? '') }) });
      closers.push(() => setup.close());
      return setup;
    };
    if (config.ctLog !== false) {
      let row = activeKey(history, 'ct');
      const setup = await openCtFor(row, rowsOf(history, 'ct').length <= 1);
      if (row === undefined) {
        await registerFirstKey(db, { role: 'ct', key_id: setup.logId, key_name: keys.newest('ct').name, material: setup.publicKeyPem, tree_id: setup.treeId, valid_from: setup.validFrom });
        history = await readTrustKeys(db);
        row = activeKey(history, 'ct') as TrustKeyRow;
      } else if (row.tree_id === null) await recordTree(db, 'ct', row.key_id, setup.treeId);
      ct = { setup, row };
      ctLog = swappable(setup.logFor(caRoots(history)));
    }
    // The CA asks whichever CT log is current for its SCTs.
    const sctIssuer: SctIssuer | undefined = ctLog && caSctIssuer({ logPrecertificate: (pre, chain) => (ctLog as NonNullable<typeof ctLog>).current().sctIssuer.logPrecertificate(pre, chain) });
    const ca = await openCa(caKeys, {
      fulcioConfig: config.fulcioConfig,
      issuancePolicy: config.issuancePolicy,
      rateLimiter: createRateLimitStore(db),
      reloadMetrics: createReloadMetrics(registry),
      logger,
      ...(sctIssuer ? { sctIssuer } : {}),
    });
    closers.push(async () => ca.close());

    // Rekor v2: its own tree beside v1's (when the keyring has a rekor-v2 key).
    const witnesses = config.witnessPolicy === undefined ? undefined : { policy: await loadWitnessPolicy(config.witnessPolicy), metrics: createWitnessMetrics(registry), logger };
    const rekorV2 = await mountRekorV2({ db, keys, hostname, metrics: logMetrics.forTree('rekor-v2'), logger, witnesses });
    if (rekorV2) closers.push(() => rekorV2.close());

    const tufStore = createTufStore(db);
    const tsa = await openTsa(db, keys);
    const apis = [createRekorApi(rekor), ...(rekorV2 ? [rekorV2.api] : []), ca.api, ...(ctLog ? [createCtApi(ctLog.proxy)] : []), ...(tsa ? [tsa.api] : []), createTufApi(tufStore)];
    apis.push(mountExplorer({ db, rekor, rekorV2, ctTreeId: () => ct?.setup.treeId }));
    const backfill = startKeyBackfill(db, backfillTrees(rekorV2?.treeId, ct?.setup.treeId), logger);
    closers.push(() => backfill.stop());
    if (config.dev) apis.push(await openDevIssuer(config, publicUrl));
    const tuf = createTufService({ store: tufStore, keys, logger, registry, ...(config.tufPolicy ? { policy: config.tufPolicy } : {}) });
    let published: Promise<void> = Promise.resolve();

    /** The frozen shards' keys end their window once their trees are integrated to their final size. */
    let windowsPending = false;
    async function endFrozenLogWindows(rows: readonly TrustKeyRow[]): Promise<void> {
      windowsPending = false;
      for (const range of rekor.ranges()) {
        const row = rowsOf(rows, 'rekor').find((r) => r.key_id === range.logId);
        if (range.frozenSize === undefined || row === undefined || row.valid_to !== null) continue;
        const opened = await shards.get(range.logId);
        if (opened === undefined || (await opened.shard.tree.latest()).size < range.frozenSize) {
          windowsPending = true; // entries sequenced before the freeze are still being integrated: next poll
          continue;
        }
        await endWindow(db, 'rekor', row.key_id, new Date(Date.now() + LOG_WINDOW_MARGIN_MS));
        logger.info({ keyName: row.key_name, treeId: range.treeId, finalSize: range.frozenSize }, 'retired Rekor key: its shard is frozen and fully integrated');
      }
    }

    let following: Promise<void> = Promise.resolve();
    async function followOnce(): Promise<void> {
      const rows = await readTrustKeys(db);
      // Rekor: a newer key opens its shard; the sharded log freezes the old one as it switches.
      const rekorKeys = rowsOf(rows, 'rekor');
      if (rekorKeys.at(-1)?.key_id !== rekor.logId) {
        await rekor.setShards(await rekorShards(rows));
        logger.info({ keyName: rekorKeys.at(-1)?.key_name, treeId: rekor.treeId }, 'Rekor key rotated: new entries go to a new shard');
      }
      await endFrozenLogWindows(rows);
      // CA: a newer CA issues from now on; the old one's window ends when its last certificate has expired.
      const newestCa = activeKey(rows, 'ca') as TrustKeyRow;
      if (newestCa.key_id !== caRow.key_id) {
        const previous = caRow;
        ca.switchTo(await keys.ca(newestCa.key_name), sctIssuer);
        caRow = newestCa;
        await endWindow(db, 'ca', previous.key_id, new Date(Date.now() + CERTIFICATE_LIFETIME_MS + LOG_WINDOW_MARGIN_MS));
        logger.info({ keyName: newestCa.key_name, previous: previous.key_name }, 'CA rotated: new certificates come from the new CA');
      }
      ca.setRetiredChains(rowsOf(rows, 'ca').filter((r) => r.key_id !== caRow.key_id).map((r) => ({ chainDer: chainDerOf(r.material), until: r.valid_to })));
      // CT: a newer key opens its tree and freezes the old one; the CT log also accepts every listed CA root.
      // TSA: a newer key signs every timestamp from now on; the old one's window ends now (each process ends it after
      // its own last use), since a timestamp is checked against the window at its own genTime.
      const retiredTsa = await tsa?.follow(rows);
      if (retiredTsa) {
        await endWindow(db, 'tsa', retiredTsa.key_id, new Date(Date.now() + LOG_WINDOW_MARGIN_MS));
        logger.info({ keyName: activeKey(rows, 'tsa')?.key_name, previous: retiredTsa.key_name }, 'TSA rotated: new timestamps come from the new TSA');
      }
      if (ct && ctLog) {
        const newestCt = activeKey(rows, 'ct') as TrustKeyRow;
        if (newestCt.key_id !== ct.row.key_id) {
          const previous = ct;
          const setup = await openCtFor(newestCt, false);
          if (newestCt.tree_id === null) await recordTree(db, 'ct', newestCt.key_id, setup.treeId);
          ct = { setup, row: newestCt };
          ctLog.set(setup.logFor(caRoots(rows)));
          const finalSize = await freezeLogTree(db, previous.setup.treeId);
          logger.info({ keyName: newestCt.key_name, previous: previous.row.key_name, finalSize }, 'CT key rotated: new precertificates go to a new tree');
        } else {
          ctLog.set(ct.setup.logFor(caRoots(rows)));
        }
        for (const row of rowsOf(rows, 'ct')) {
          if (row.key_id === ct.row.key_id || row.valid_to !== null || row.tree_id === null) continue;
          // Its tree took its last precertificate at the freeze; the SCTs it signed carry times before now.
          await endWindow(db, 'ct', row.key_id, new Date(Date.now() + LOG_WINDOW_MARGIN_MS));
        }
      }
    }

    return {
      apis,
      follow() {
        following = following.then(followOnce, followOnce);
        return following;
      },
      followPending: () => windowsPending,
      reload: () => ca.reload(),
      async publish(url, files) {
        // One publication at a time in this process: the timer and a trust change must not sign the same version twice.
        published = published.then(async () => tuf.sync(tufTargets(files, await readTrustKeys(db), url)));
        return published;
      },
      async trustFiles(url) {
        return boxTrustFiles(await readTrustKeys(db), { publicUrl: url, ctLog: ct !== undefined, oidcUrl: config.dev ? `${url}${DEV_ISSUER_PATH}` : undefined, signingLog: config.signingLog });
      },
      afterListen(url) {
        if (config.dev) ca.issuers.addIssuer({ url: `${url}${DEV_ISSUER_PATH}`, type: 'email' });
        // The banner says it to a human; the JSON log must say it to whoever reads only that.
        if (config.dev) logger.warn({ devIssuerUrl: `${url}${DEV_ISSUER_PATH}` }, 'development OIDC issuer enabled: it mints a token for any identity, not for production');
        const warnings: string[] = [];
        if (config.devProductionShape !== undefined) {
          warnings.push(`--dev runs with ${config.devProductionShape.join(', ')} (--unsafe-dev-in-production): anyone who reaches ${url}${DEV_ISSUER_PATH}/token gets a certificate for any identity`);
        }
        if (ca.issuers.describe().length === 0) warnings.push('the CA trusts no OIDC issuer and will refuse every token: give --fulcio-config FILE or --dev');
        if (!ct) warnings.push('no CT log (--no-ct-log): certificates carry no SCT and clients must be told to skip SCT checks');
        if (!tsa) warnings.push('no timestamp authority: the keyring has no tsa key (made before the TSA existed); signatures carry no RFC 3161 timestamp');
        for (const warning of warnings) logger.warn(warning);
        return warnings.map((warning) => `WARNING: ${warning}`);
      },
      close: async () => {
        await following.catch(() => undefined);
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
