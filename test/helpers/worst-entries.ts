// The most expensive Rekor entries a client may send: each kind's worst case within the limits, and the entry of
// the finding that blocked the event loop for seconds before them.
import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { MAX_DSSE_SIGNATURES, MAX_DSSE_VERIFIED_BYTES } from '@sigbox/rekor';
import { STATEMENT, b64, chainPem, dsseEnvelope, dsseProposedEntry, hashedrekord, intotoProposedEntry, keyPem, signArtifact, testCertificate, testKey, type TestKey } from '@sigbox/testkit';

const IN_TOTO = 'application/vnd.in-toto+json';
/** The server's body limit (DEFAULT_BODY_LIMIT of @sigbox/server). */
const BODY_LIMIT = 4 * 1024 * 1024;
/** rekor pkg/pki/x509: chains of at most 10 certificates. */
const MAX_CHAIN = 10;

/** A statement padded so that its base64 is about `base64Length` characters. */
function statementOfBase64Length(base64Length: number): Uint8Array {
  const padding = Math.max(0, Math.floor((base64Length * 3) / 4) - JSON.stringify(STATEMENT).length - 64);
  return encoding.utf8(JSON.stringify({ ...STATEMENT, predicate: { ...STATEMENT.predicate, padding: 'x'.repeat(padding) } }));
}

/**
 * The finding's entry (≈ 90 KB): `count − 1` signatures that verify nothing, then one that does, and its key offered
 * `count` times. Upstream tries every copy of the key against every signature: count² verifications, then a 400.
 */
export function repeatedVerifierDsse(count = 300) {
  const key = testKey('ecdsa-p256');
  const signed = dsseEnvelope(IN_TOTO, encoding.utf8(JSON.stringify(STATEMENT)), [key]);
  const junk = Array.from({ length: count - 1 }, () => ({ keyid: '', sig: b64(crypto.randomBytes(70)) }));
  return dsseProposedEntry({ ...signed, signatures: [...junk, ...signed.signatures] }, Array.from({ length: count }, () => keyPem(key.publicKey)));
}

/**
 * dsse and intoto at the limits: MAX_DSSE_SIGNATURES signatures by as many P-521 keys (the slowest verification
 * of the key types), over the largest payload the budget lets them all be checked on, the verifiers in reverse
 * order so that each tries every signature before its own. Fresh keys each call: a new entry each time.
 */
export function dsseAtLimits() {
  const keys: TestKey[] = Array.from({ length: MAX_DSSE_SIGNATURES }, () => testKey('ecdsa-p521'));
  const payload = statementOfBase64Length(MAX_DSSE_VERIFIED_BYTES / MAX_DSSE_SIGNATURES ** 2 - IN_TOTO.length);
  const env = dsseEnvelope(IN_TOTO, payload, keys);
  const pems = keys.map((k) => keyPem(k.publicKey));
  return { dsse: dsseProposedEntry(env, [...pems].reverse()), intoto: intotoProposedEntry(env, pems) };
}

/** One signature over the largest payload a body can carry (the budget allows 1 × 1 any payload). */
export function dsseOfMaxBody() {
  const key = testKey('ecdsa-p521');
  // The payload is base64 inside the envelope, itself a JSON string inside the body: leave room for the rest.
  const env = dsseEnvelope(IN_TOTO, statementOfBase64Length(BODY_LIMIT - 8 * 1024), [key]);
  return dsseProposedEntry(env, [keyPem(key.publicKey)]);
}

/** hashedrekord signed by the leaf of a chain of the most certificates rekor takes (each link verified). */
export async function hashedrekordWithLongestChain() {
  const chain = [await testCertificate({ name: 'CN=root', ca: true })];
  for (let i = 1; i < MAX_CHAIN - 1; i++) chain.unshift(await testCertificate({ name: `CN=intermediate ${i}`, ca: true, issuer: chain[0] }));
  chain.unshift(await testCertificate({ name: 'CN=leaf', issuer: chain[0] }));
  const leaf = chain[0] as (typeof chain)[number];
  const artifact = crypto.randomBytes(64);
  return hashedrekord(signArtifact({ privateKey: leaf.privateKey, publicKey: leaf.publicKey }, artifact, 'sha256'), chainPem(...chain), 'sha256', artifact);
}
