// The most expensive Rekor entries a client may send: each kind's worst case within the limits, and the entry of
// the finding that blocked the event loop for seconds before them.
import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { STATEMENT, b64, dsseEnvelope, keyPem, testKey } from '@sigbox/testkit';

const IN_TOTO = 'application/vnd.in-toto+json';

const dsse = (envelope: object, verifierPems: string[]) => ({
  kind: 'dsse',
  apiVersion: '0.0.1',
  spec: { proposedContent: { envelope: JSON.stringify(envelope), verifiers: verifierPems.map((p) => b64(p)) } },
});

/**
 * The finding's entry (≈ 90 KB): `count − 1` signatures that verify nothing, then one that does, and its key offered
 * `count` times. Upstream tries every copy of the key against every signature: count² verifications, then a 400.
 */
export function repeatedVerifierDsse(count = 300) {
  const key = testKey('ecdsa-p256');
  const signed = dsseEnvelope(IN_TOTO, encoding.utf8(JSON.stringify(STATEMENT)), [key]);
  const junk = Array.from({ length: count - 1 }, () => ({ keyid: '', sig: b64(crypto.randomBytes(70)) }));
  return dsse({ ...signed, signatures: [...junk, ...signed.signatures] }, Array.from({ length: count }, () => keyPem(key.publicKey)));
}
