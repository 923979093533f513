import type { KeyObject } from 'node:crypto';
import { encoding, sha256, spkiDer } from '@sigbox/core';
import { publicKeyDetails } from './key-details.js';
import { validityPeriod } from './time-range.js';
import type { TransparencyLogInstance } from './types.js';
import { serviceUrl } from './url.js';

/** How a log (Rekor or CT) describes itself for `trusted_root.json`. */
export interface TransparencyLogOptions {
  /** Base URL clients append API paths to; for Rekor v2 its hostname is the checkpoint origin. */
  baseUrl: string;
  /** The log's signing key (the public half is taken from a private key). */
  publicKey: KeyObject;
  /** When the key started signing; truncated to the whole second. */
  validFrom: Date;
  /** Set when the key is retired, so entries it signed still verify. */
  validUntil?: Date;
  /**
   * Overrides the log ID. Default SHA-256(DER SPKI): the Rekor v1 log ID and the RFC 6962 §3.2 CT LogID. Rekor v2
   * logs use their checkpoint key ID instead (C2SP signed-note Ed25519: SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ key)).
   */
  keyId?: Uint8Array;
}

/**
 * A `tlogs[]` entry. sigstore-go rejects the whole root if any of hashAlgorithm, logId, rawBytes, keyDetails or
 * validFor.start is missing (`ParseTransparencyLogs`; sigstore/root-signing#1565), so all are always set.
 * `checkpointKeyId` and `operator` (0.2 only) are left out: sigstore-js prefers `checkpointKeyId` over `logId`.
 *
 * @example
 * transparencyLogInstance({ baseUrl: 'https://rekor.example', publicKey: signer.publicKey, validFrom: new Date() })
 */
export function transparencyLogInstance(options: TransparencyLogOptions): TransparencyLogInstance {
  const der = spkiDer(options.publicKey);
  return {
    baseUrl: serviceUrl(options.baseUrl),
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: encoding.toBase64(der),
      keyDetails: publicKeyDetails(options.publicKey),
      validFor: validityPeriod(options.validFrom, options.validUntil),
    },
    logId: { keyId: encoding.toBase64(options.keyId ?? sha256(der)) },
  };
}

/**
 * A `ctlogs[]` entry: the same shape as a tlog. Its log ID must equal the LogID inside the SCTs the log issues,
 * which RFC 6962 §3.2 defines as SHA-256(DER SPKI) — the default.
 */
export function ctLogInstance(options: TransparencyLogOptions): TransparencyLogInstance {
  return transparencyLogInstance(options);
}
