// sigstore-js's own RFC 3161 verifier (@sigstore/core RFC3161Timestamp, what sigstore-js clients run on a bundle's
// signedTimestamp) reads and verifies our responses: a second, independent oracle next to OpenSSL, and the only one
// here for Ed25519 TSA keys.
import crypto from 'node:crypto';
import { RFC3161Timestamp } from '@sigstore/core';
import { type KeyAlgorithm, createEphemeralSigner } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { createTimestamper, createTsaChain, parseJsonTimestampRequest } from './index.js';

const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };

async function timestamper(algorithm: KeyAlgorithm) {
  const signer = createEphemeralSigner(algorithm);
  const { chainDer } = await createTsaChain({
    rootName: 'CN=root', intermediateName: 'CN=intermediate', leafName: 'CN=leaf',
    rootSigner: createEphemeralSigner(), intermediateSigner: createEphemeralSigner(), leafPublicKey: signer.publicKey, validity: VALIDITY,
  });
  return { signer, tsa: createTimestamper({ signer, chainDer }) };
}

describe('sigstore-js RFC3161Timestamp', () => {
  for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa', 'ed25519'] as const) {
    it(`verifies a response to sigstore-js's JSON request, signed with ${algorithm}`, async () => {
      const { signer, tsa } = await timestamper(algorithm);
      const artifact = Buffer.from('a signature to timestamp');
      const body = JSON.stringify({ artifactHash: crypto.createHash('sha256').update(artifact).digest('base64'), hashAlgorithm: 'sha256', nonce: 77 });
      const der = await tsa.respond(parseJsonTimestampRequest(body), { clock: () => new Date('2026-05-06T07:08:09.999Z') });
      const timestamp = RFC3161Timestamp.parse(Buffer.from(der));
      expect(timestamp.status).toBe(0n);
      expect(() => timestamp.verify(artifact, signer.publicKey)).not.toThrow();
      expect(timestamp.tstInfo.genTime.toISOString()).toBe('2026-05-06T07:08:09.000Z');
      expect(timestamp.tstInfo.messageImprintHashAlgorithm).toBe('sha256');
      expect(() => timestamp.verify(Buffer.from('another signature'), signer.publicKey)).toThrow(/message imprint/i);
      expect(() => timestamp.verify(artifact, createEphemeralSigner(algorithm).publicKey)).toThrow(/signature/i);
    });
  }
});
