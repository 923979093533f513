import type { KeyObject } from 'node:crypto';
import { encoding, parsePublicKey } from '@sigbox/core';
import type { NamedLogKey } from './checkpoint-verifier.js';
import { MonitorError } from './error.js';
import type { LogKind } from './log-entry.js';

/** The parts of a trusted_root.json (sigstore protobuf-specs TrustedRoot) the monitor reads. */
interface TrustedRootJson {
  tlogs?: Array<{ baseUrl?: string; publicKey?: { rawBytes?: string } }>;
  ctlogs?: Array<{ baseUrl?: string; publicKey?: { rawBytes?: string } }>;
}

const originOf = (url: string) => new URL(url).origin;

/**
 * The keys a trusted root lists for the log at `url` (same scheme, host and port): every tlog key for Rekor
 * (v1 and v2 share the base URL in Sigbox's root; the checkpoint's signature line picks the key), the ctlog key
 * for CT. Key names are the URL's hostname, as both Rekor generations sign. Throws INVALID_KEY when none fits.
 */
export function logKeysFromTrustedRoot(trustedRoot: unknown, url: string, kind: LogKind): NamedLogKey[] {
  const root = trustedRoot as TrustedRootJson;
  const list = (kind === 'ct' ? root.ctlogs : root.tlogs) ?? [];
  const name = new URL(url).hostname;
  const keys: NamedLogKey[] = [];
  for (const log of list) {
    if (log.baseUrl === undefined || log.publicKey?.rawBytes === undefined) continue;
    if (originOf(log.baseUrl) !== originOf(url)) continue;
    let publicKey: KeyObject;
    try {
      publicKey = parsePublicKey(encoding.fromBase64(log.publicKey.rawBytes));
    } catch {
      continue; // a key type this Node cannot read cannot have signed what we will check
    }
    keys.push({ name, publicKey });
  }
  if (keys.length === 0) throw new MonitorError('INVALID_KEY', `the trusted root lists no ${kind === 'ct' ? 'CT log' : 'transparency log'} at ${originOf(url)}`);
  return keys;
}
