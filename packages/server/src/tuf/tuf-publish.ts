import { type KeySecrets, loadKeyring, openKey } from '@sigbox/keyring';
import type { SignedDocument } from '@sigbox/tuf';
import { type SigningLog, boxTufTargets } from '../trust/box-trust-files.js';
import { readTrustKeys } from '../trust/trust-keys.js';
import { TufCeremonyError } from './tuf-ceremony-error.js';
import { type BoxDatabase, withBoxDatabase } from './tuf-database.js';
import { keysNamedBy } from './tuf-keys.js';
import { TARGETS_LIFETIME_MS, publishTargetsVersion, samePublication } from './tuf-publication.js';
import { createTufStore } from './tuf-store.js';
import { trustedBy } from './tuf-trust.js';

export interface PublishTargetsOptions extends BoxDatabase {
  /** The keyring holding the targets key the served root names (on the ceremony machine). */
  readonly keysDir: string;
  readonly secrets: KeySecrets;
  /** The box's `--public-url`: it is inside the trust files, so it must be the box's exactly. */
  readonly publicUrl: string;
  /** false when the box runs with `--no-ct-log`. */
  readonly ctLog: boolean;
  /** The box's `--signing-log` (default v2). */
  readonly signingLog?: SigningLog | undefined;
  /** Sign a new version even when the files are unchanged (to extend its expiry). */
  readonly force?: boolean;
  readonly lifetimeMs?: number;
  readonly now?: Date;
}

export interface PublishedTargets {
  readonly doc: SignedDocument;
  readonly targets: readonly string[];
  /** The version it replaces, if any. */
  readonly previous: number | undefined;
  /** false: another process stored that version first (nothing was changed here). */
  readonly stored: boolean;
}

/**
 * `sigbox tuf publish`, the offline targets step: builds the TUF targets exactly as the box does from the trust
 * history in its database (boxTufTargets), signs the next targets version with the targets key the served root
 * names, and stores it with its files. The running box re-signs snapshot and timestamp at its next round.
 */
export async function publishTufTargets(options: PublishTargetsOptions): Promise<PublishedTargets> {
  const keyring = await loadKeyring(options.keysDir);
  return withBoxDatabase(options, async (db) => {
    const store = createTufStore(db);
    const history = await readTrustKeys(db);
    const root = await store.latest('root');
    if (history.length === 0 || root === undefined) throw new TufCeremonyError('NOT_STARTED', 'the box has not published its trust history and TUF root yet: start it once first');
    const wanted = boxTufTargets(history, { publicUrl: options.publicUrl, ctLog: options.ctLog, signingLog: options.signingLog });
    const latest = await store.latest('targets');
    if (latest !== undefined && samePublication(latest, wanted) && trustedBy(latest, root) && options.force !== true) {
      throw new TufCeremonyError('NOTHING_CHANGED', `targets v${latest.version} already publishes these ${wanted.length} files (expires ${latest.expires.toISOString()}); --force signs a new version anyway`);
    }
    const entry = keysNamedBy(keyring, root, 'targets').at(-1);
    if (entry === undefined) throw new TufCeremonyError('KEY_MISSING', `root v${root.version} names no targets key of the keyring in ${keyring.dir}`);
    const key = await openKey(keyring.dir, keyring.hsm, entry, options.secrets);
    try {
      const expires = new Date((options.now ?? new Date()).getTime() + (options.lifetimeMs ?? TARGETS_LIFETIME_MS));
      const { doc, stored } = await publishTargetsVersion({ store, wanted, signer: key.signer, root, expires });
      return { doc, targets: wanted.map((t) => t.name), previous: latest?.version, stored };
    } finally {
      await key.close();
    }
  });
}
