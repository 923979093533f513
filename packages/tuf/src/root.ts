import type { KeyObject } from 'node:crypto';
import { Metadata, Root } from '@tufjs/models';
import { TufError } from './error.js';
import { formatExpires } from './expires.js';
import { type TufKey, tufKey } from './key.js';
import { type RoleName, checkVersion } from './roles.js';

/** TUF spec version written into every document: what the public Sigstore root writes. */
export const SPEC_VERSION = '1.0';

/** Who may sign one role: a threshold of these keys. */
export interface RoleKeys {
  readonly keys: readonly KeyObject[];
  readonly threshold: number;
}

export interface RootOptions {
  readonly version: number;
  readonly expires: Date;
  /** Always true for Sigbox: clients fetch `<v>.snapshot.json` and `targets/<sha256>.<name>`. */
  readonly consistentSnapshot?: true;
  readonly roles: Readonly<Record<RoleName, RoleKeys>>;
}

const ROLE_NAMES: readonly RoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];

/**
 * root.json's `signed` part: each role's key IDs and threshold, every key once in `keys` (a key may serve
 * several roles). Unsigned; see {@link signRoot}.
 *
 * @example
 * const root = buildRoot({ version: 1, expires, roles: { root: { keys: [k1, k2, k3], threshold: 2 }, targets: …,
 *   snapshot: { keys: [online], threshold: 1 }, timestamp: { keys: [online], threshold: 1 } } });
 */
export function buildRoot(options: RootOptions): Metadata<Root> {
  const keys: Record<string, ReturnType<TufKey['key']['toJSON']>> = {};
  const roles: Record<string, { keyids: string[]; threshold: number }> = {};
  for (const name of ROLE_NAMES) {
    const role = options.roles[name];
    const ids = [...new Set(role.keys.map((k) => tufKey(k)).map(({ keyId, key }) => ((keys[keyId] = key.toJSON()), keyId)))];
    if (!Number.isInteger(role.threshold) || role.threshold < 1 || role.threshold > ids.length) {
      throw new TufError('INVALID_THRESHOLD', `${name}: threshold ${role.threshold} with ${ids.length} distinct keys`);
    }
    roles[name] = { keyids: ids, threshold: role.threshold };
  }
  // Through fromJSON: @tufjs/models 5.0.2 does not export its Role class, and fromJSON validates the whole.
  const root = Root.fromJSON({
    _type: 'root',
    spec_version: SPEC_VERSION,
    version: checkVersion(options.version),
    expires: formatExpires(options.expires),
    keys,
    roles,
    consistent_snapshot: true,
  });
  return new Metadata(root);
}
