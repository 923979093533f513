import 'reflect-metadata';
import crypto, { type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { encoding, generatePrivateKey, spkiDer, toPem, type KeyAlgorithm } from '@sigbox/core';
import { preAuthEncoding } from '../dsse-envelope.js';

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

/** A self-signed ECDSA P-256 leaf with the given email and URI SANs (and optionally a Fulcio username SAN). */
export async function selfSignedCert(sans: { email?: string; uri?: string; dns?: string }): Promise<{ key: TestKey; der: Uint8Array; pem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await crypto.webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [];
  if (sans.dns) names.push({ type: 'dns', value: sans.dns });
  if (sans.email) names.push({ type: 'email', value: sans.email });
  if (sans.uri) names.push({ type: 'url', value: sans.uri });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=sigbox test',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2034-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension(names)],
  });
  const der = new Uint8Array(cert.rawData);
  const privateKey = crypto.KeyObject.from(keys.privateKey);
  return { key: { privateKey, publicKey: crypto.createPublicKey(privateKey) }, der, pem: toPem('CERTIFICATE', der) };
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

export const STATEMENT = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.2',
  subject: [{ name: 'a.txt', digest: { sha256: 'a'.repeat(64) } }],
  predicate: { materials: [{ uri: 'git+https://example.com', digest: { sha1: 'b'.repeat(40) } }] },
};
