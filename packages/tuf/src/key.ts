import type { KeyObject } from 'node:crypto';
import { canonicalize } from '@tufjs/canonical-json';
import { Key } from '@tufjs/models';
import { encoding, keyAlgorithm, sha256 } from '@sigbox/core';
import { TufError } from './error.js';

/**
 * The one key form every client in reach accepts, as the public Sigstore root writes it
 * (sigstore/root-signing@0ca2971 `metadata/root.json`): keytype `ecdsa`, scheme `ecdsa-sha2-nistp256`, the
 * SubjectPublicKeyInfo PEM in `keyval.public`.
 * - go-tuf v0.7.0 registers verifiers for both `ecdsa` and `ecdsa-sha2-nistp256` and parses `keyval.public` as
 *   PKIX PEM (`pkg/keys/ecdsa.go`, `pkg/keys/pkix.go`); go-tuf v2 `metadata/keys.go` ToPublicKey does the same;
 *   tuf-js (`@tufjs/models` `utils/key.js`) and securesystemslib (`SSlibKey`) too.
 * - No `keyid_hash_algorithms`: go-tuf v0.7 hashes its `PublicKey` struct with that field `omitempty`, go-tuf v2's
 *   `Key` has no such field at all, securesystemslib `compute_default_keyid` hashes {keytype, scheme, keyval}. Only
 *   without it do all compute the same key ID.
 */
export const KEY_TYPE = 'ecdsa';
export const KEY_SCHEME = 'ecdsa-sha2-nistp256';

/** A public key as TUF names it: its key ID and the `@tufjs/models` Key (its JSON is what root.json lists). */
export interface TufKey {
  readonly keyId: string;
  readonly key: Key;
}

/**
 * Hex SHA-256 of a key object's OLPC canonical JSON, every field included (securesystemslib hashes custom fields
 * such as tuf-on-ci's `x-tuf-on-ci-keyowner` too). Clients never recompute it when verifying (go-tuf v0.7.0
 * `verify/db.go` AddKey cites TAP-12; go-tuf v2, python-tuf, tuf-js take the ID from root.json), so it only has to
 * be unique and stable.
 */
export function keyIdOf(json: Readonly<Record<string, unknown>>): string {
  return encoding.toHex(sha256(encoding.utf8(canonicalize(json))));
}

/**
 * Key ID = hex SHA-256 of the OLPC canonical JSON of the key object (TUF spec §4.2 "KEYID";
 * securesystemslib `signer/_utils.py` compute_default_keyid). Only ECDSA P-256: the one algorithm go-tuf v0.7, an
 * HSM and every client share.
 */
export function tufKey(publicKey: KeyObject): TufKey {
  if (publicKey.type !== 'public') throw new TufError('UNSUPPORTED_KEY', 'a TUF key is a public key');
  let algorithm: string;
  try {
    algorithm = keyAlgorithm(publicKey);
  } catch (cause) {
    throw new TufError('UNSUPPORTED_KEY', 'not a supported key', { cause });
  }
  if (algorithm !== 'ecdsa-p256') throw new TufError('UNSUPPORTED_KEY', `TUF keys are ECDSA P-256, not ${algorithm}`);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = keyIdOf({ keytype: KEY_TYPE, scheme: KEY_SCHEME, keyval: { public: pem } });
  return { keyId, key: new Key({ keyID: keyId, keyType: KEY_TYPE, scheme: KEY_SCHEME, keyVal: { public: pem } }) };
}
