/**
 * Valid hashedrekord ProposedEntry bodies, made before any timing starts: each with its own P-256 key and
 * its own artifact, so every body is a distinct leaf and the server does the full key parse and signature
 * check it would for real clients.
 */
import crypto from 'node:crypto';

/** Serialised POST /api/v1/log/entries bodies (rekor openapi.yaml ProposedEntry, hashedrekord 0.0.1). */
export function createProposedEntries(count: number, seed: string): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) bodies.push(proposedEntry(`sigbox bench ${seed} artifact ${i}\n`));
  return bodies;
}

function proposedEntry(artifact: string): Buffer {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from(artifact);
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const entry = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: crypto.createHash('sha256').update(data).digest('hex') } },
      signature: { content: crypto.sign('sha256', data, privateKey).toString('base64'), publicKey: { content: Buffer.from(pem).toString('base64') } },
    },
  };
  return Buffer.from(JSON.stringify(entry));
}

/**
 * Serialised POST /api/v2/log/entries bodies (rekor-tiles CreateEntryRequest, hashedRekordRequestV002 as
 * sigstore-go sends it: lowerCamel protobuf JSON, SPKI DER key, the signature over the SHA-256 digest).
 */
export function createV2Requests(count: number, seed: string): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) bodies.push(v2Request(`sigbox bench v2 ${seed} artifact ${i}\n`));
  return bodies;
}

function v2Request(artifact: string): Buffer {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from(artifact);
  const request = {
    hashedRekordRequestV002: {
      digest: crypto.createHash('sha256').update(data).digest('base64'),
      signature: {
        content: crypto.sign('sha256', data, privateKey).toString('base64'),
        verifier: { publicKey: { rawBytes: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
      },
    },
  };
  return Buffer.from(JSON.stringify(request));
}
