import { createPublicKey } from 'node:crypto';
import { expect } from 'vitest';
import { encoding } from '@sigbox/core';
import { createNoteVerifier, noteKeyId, openCheckpoint } from '@sigbox/merkle';

/** A `tlogs[]` entry of trusted_root.json as served. */
export interface TlogJson {
  baseUrl: string;
  publicKey: { rawBytes: string; keyDetails: string; validFor: { start: string } };
  logId: { keyId: string };
}

/**
 * Checks the box's v2 log as sigstore-go trusts it: the trusted root's entry names an Ed25519 key whose C2SP key ID
 * under the `baseUrl` hostname is `logId.keyId`, and GET /api/v2/checkpoint opens with a note verifier built from
 * that hostname and key alone.
 */
export async function expectRekorV2Trusted(server: { url: string }, tlog: TlogJson): Promise<void> {
  const origin = new URL(tlog.baseUrl).hostname;
  const key = createPublicKey({ key: Buffer.from(tlog.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });
  expect(tlog.publicKey.keyDetails).toBe('PKIX_ED25519');
  expect(tlog.logId.keyId).toBe(encoding.toBase64(noteKeyId(origin, key)));
  const res = await fetch(`${server.url}/api/v2/checkpoint`);
  expect(res.status).toBe(200);
  const checkpoint = openCheckpoint(await res.text(), [createNoteVerifier(origin, key)]);
  expect(checkpoint.origin).toBe(origin);
}
