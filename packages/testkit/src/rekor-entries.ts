import crypto, { type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { encoding, generatePrivateKey, spkiDer, toPem, type KeyAlgorithm } from '@sigbox/core';
import { preAuthEncoding } from '@sigbox/rekor';
import { generalName, generalNames, testCertificate } from './peculiar-certificates.js';

/** Test-only builders of signed entries with fresh keys; nothing here is used at run time. */
export const b64 = (text: string | Uint8Array) => encoding.toBase64(typeof text === 'string' ? encoding.utf8(text) : text);
export const keyPem = (key: KeyObject) => toPem('PUBLIC KEY', spkiDer(key));

export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function testKey(alg: KeyAlgorithm): TestKey {
  const privateKey = alg === 'rsa' ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : generatePrivateKey(alg);
  return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
}

/** A self-signed ECDSA P-256 leaf with the given DNS, email and URI SANs. */
export async function selfSignedCert(sans: { email?: string; uri?: string; dns?: string }): Promise<{ key: TestKey; der: Uint8Array; pem: string }> {
  const names = (['dns', 'email', 'uri'] as const).flatMap((kind) => (sans[kind] ? [generalName[kind](sans[kind])] : []));
  const cert = await testCertificate({ subjectAltNames: [generalNames(...names)] });
  return { key: { privateKey: cert.privateKey, publicKey: cert.publicKey }, der: cert.der, pem: cert.pem };
}

export type Digest = 'sha256' | 'sha384' | 'sha512';

/** Signs `artifact` for a hashedrekord entry: ECDSA/RSA over the digest, Ed25519 as Ed25519ph (SHA-512). */
export function signArtifact(key: TestKey, artifact: Uint8Array, digest: Digest): Uint8Array {
  if (key.privateKey.asymmetricKeyType === 'ed25519') {
    const seed = encoding.fromBase64Url(key.privateKey.export({ format: 'jwk' }).d ?? '');
    return ed25519ph.sign(artifact, seed);
  }
  return encoding.asBytes(crypto.sign(digest, artifact, key.privateKey));
}

export function hashedrekord(sig: Uint8Array, publicKeyPem: string, digest: Digest, artifact: Uint8Array) {
  const value = crypto.hash(digest, artifact, 'hex');
  return {
    kind: 'hashedrekord',
    apiVersion: '0.0.1',
    spec: { signature: { content: b64(sig), publicKey: { content: b64(publicKeyPem) } }, data: { hash: { algorithm: digest, value } } },
  };
}

/** A DSSE envelope signed by each key (PAE, SHA-256 for ECDSA/RSA, pure Ed25519). */
export function dsseEnvelope(payloadType: string, payload: Uint8Array, keys: TestKey[]) {
  const pae = preAuthEncoding(payloadType, payload);
  const signatures = keys.map((k) => {
    const digest = k.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    return { keyid: '', sig: b64(encoding.asBytes(crypto.sign(digest, pae, k.privateKey))) };
  });
  return { payloadType, payload: b64(payload), signatures };
}

/** A dsse 0.0.1 proposed entry: the envelope as submitted (serialized here unless given as text) and each verifier's PEM. */
export function dsseProposedEntry(envelope: object | string, verifierPems: readonly string[]) {
  const text = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
  return { kind: 'dsse', apiVersion: '0.0.1', spec: { proposedContent: { envelope: text, verifiers: verifierPems.map((p) => b64(p)) } } };
}

/**
 * An intoto 0.0.2 proposed entry for a signed envelope: payload and signatures base64 once more (`format: byte`),
 * each signature with its key's PEM (and its key ID, if any), and the client's SHA-256 of the envelope as `hash`.
 */
export function intotoProposedEntry(env: ReturnType<typeof dsseEnvelope>, publicKeyPems: readonly string[]) {
  const signatures = env.signatures.map((s, i) => ({ ...(s.keyid === '' ? {} : { keyid: s.keyid }), sig: b64(s.sig), publicKey: b64(publicKeyPems[i] ?? '') }));
  const hash = { algorithm: 'sha256', value: crypto.hash('sha256', JSON.stringify(env), 'hex') };
  return { kind: 'intoto', apiVersion: '0.0.2', spec: { content: { envelope: { payloadType: env.payloadType, payload: b64(env.payload), signatures }, hash } } };
}

export const STATEMENT = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: [{ name: 'a.txt', digest: { sha256: 'a'.repeat(64) } }],
  predicate: { materials: [{ uri: 'git+https://example.com', digest: { sha1: 'b'.repeat(40) } }] },
};
