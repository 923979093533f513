import { TufError } from './error.js';

/** The four top-level roles, each a metadata file at /tuf/ (TUF spec §2.1). */
export type RoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** TUF spec §4.3 (`version` ≥ 1, an integer), kept within what JSON numbers carry exactly. */
export function checkVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) throw new TufError('INVALID_VERSION', `version must be an integer ≥ 1, not ${version}`);
  return version;
}

/** The file a metadata version is served under with consistent snapshots (TUF spec §5.3.3, §5.5.3, §5.6.3). */
export function metadataPath(role: RoleName, version: number): string {
  return role === 'timestamp' ? 'timestamp.json' : `${checkVersion(version)}.${role}.json`;
}
