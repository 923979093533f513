import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';

/** One hashedrekord request, built once so that a retry sends exactly the same bytes (and so the same leaf). */
export interface PreparedEntry {
  /** Hex SHA-256 of the artifact: unique per entry, and readable back from any stored body. */
  readonly digest: string;
  /** The JSON request body of POST /api/v1/log/entries. */
  readonly request: string;
}

/**
 * `count` distinct hashedrekord v0.0.1 entries by one ECDSA P-256 key: artifact i is random bytes, the signature
 * is DER ECDSA over its SHA-256 digest (what rekor's hashedrekord verifies), the key is sent as base64 PEM.
 */
export function prepareHashedRekords(count: number): PreparedEntry[] {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyContent = encoding.toBase64(encoding.utf8(publicKeyPem));
  return Array.from({ length: count }, () => {
    const artifact = crypto.randomBytes(32);
    const digest = crypto.createHash('sha256').update(artifact).digest('hex');
    const signature = crypto.sign('sha256', artifact, privateKey);
    const body = {
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      spec: {
        signature: { content: signature.toString('base64'), publicKey: { content: keyContent } },
        data: { hash: { algorithm: 'sha256', value: digest } },
      },
    };
    return { digest, request: JSON.stringify(body) };
  });
}

/** The artifact digest a stored hashedrekord body carries (`spec.data.hash.value`). */
export function digestOfBody(body: Uint8Array): string {
  const parsed = JSON.parse(encoding.fromUtf8(body)) as { spec?: { data?: { hash?: { value?: unknown } } } };
  const value = parsed.spec?.data?.hash?.value;
  if (typeof value !== 'string') throw new Error('stored body has no spec.data.hash.value');
  return value;
}
