import type { KeyObject } from 'node:crypto';
import { encoding, parsePublicKey, sha256, spkiDer } from '@sigbox/core';
import { VerifyError } from '../error.js';

/** A log key from the trust material: a `tlogs` or `ctlogs` entry of trusted_root.json. */
export interface TrustedLogKey {
  readonly kind: 'tlog' | 'ctlog';
  readonly baseUrl: string;
  /** Hex SHA-256 of the key's SPKI: the log ID Rekor v1 and CT know the key by (and the settings row records). */
  readonly logId: string;
  readonly publicKey: KeyObject;
}

interface LogInstanceJson {
  baseUrl?: unknown;
  publicKey?: { rawBytes?: unknown };
}

function readInstance(kind: TrustedLogKey['kind'], json: LogInstanceJson, at: number): TrustedLogKey {
  const raw = json.publicKey?.rawBytes;
  if (typeof raw !== 'string') throw new VerifyError('TRUSTED_ROOT_UNUSABLE', `${kind}s[${at}] has no publicKey.rawBytes`);
  let publicKey: KeyObject;
  try {
    publicKey = parsePublicKey(encoding.fromBase64(raw));
  } catch (cause) {
    throw new VerifyError('TRUSTED_ROOT_UNUSABLE', `${kind}s[${at}].publicKey is not a public key`, { cause });
  }
  return { kind, baseUrl: typeof json.baseUrl === 'string' ? json.baseUrl : '', logId: encoding.toHex(sha256(spkiDer(publicKey))), publicKey };
}

/**
 * The log keys of a trusted_root.json (sigstore protobuf-specs `TrustedRoot`: `tlogs` and `ctlogs`, each key as
 * base64 SPKI DER in `publicKey.rawBytes`). The log ID is computed from the key rather than read from `logId`, so a
 * document whose `logId` lies cannot point a tree at another key.
 */
export function readTrustedLogKeys(text: string): TrustedLogKey[] {
  let json: { tlogs?: unknown; ctlogs?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (cause) {
    throw new VerifyError('TRUSTED_ROOT_UNUSABLE', 'the trusted root is not JSON', { cause });
  }
  const list = (kind: TrustedLogKey['kind'], value: unknown) => (Array.isArray(value) ? value.map((v, i) => readInstance(kind, v as LogInstanceJson, i)) : []);
  return [...list('tlog', json.tlogs), ...list('ctlog', json.ctlogs)];
}
