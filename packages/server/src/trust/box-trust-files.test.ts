// The box's trust files for a history with a Rekor v2 key: trusted_root.json lists the v2 log as sigstore-go needs
// it, and the signing config sends new signatures to v2 unless told v1 (and only with a TSA, which packages/trust
// requires).
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding, generatePrivateKey, spkiDer, toPem } from '@sigbox/core';
import { noteKeyId } from '@sigbox/merkle';
import { createTestCa } from '@sigbox/testkit';
import { boxTrustFiles } from './box-trust-files.js';
import { chainPemOf } from './trust-history.js';
import type { TrustKeyRow } from './trust-keys.js';

const PUBLIC_URL = 'https://log2026-1.sigbox.test:8443';
const ORIGIN = 'log2026-1.sigbox.test';
const since = new Date('2026-01-01T00:00:00Z');
const pemOf = (key: crypto.KeyObject) => toPem('PUBLIC KEY', spkiDer(key.type === 'private' ? crypto.createPublicKey(key) : key));

async function history(): Promise<{ rows: TrustKeyRow[]; v2Key: crypto.KeyObject }> {
  const ca = await createTestCa();
  const v1 = generatePrivateKey('ecdsa-p256');
  const v2Key = crypto.createPublicKey(generatePrivateKey('ed25519'));
  const row = (role: TrustKeyRow['role'], key_id: string, material: string): TrustKeyRow => ({ role, key_id, key_name: `${role}-1`, material, tree_id: 1n, valid_from: since, valid_to: null });
  return {
    v2Key,
    rows: [
      row('ca', 'ca', chainPemOf([ca.intermediate.der, ca.root.der])),
      row('rekor', encoding.toHex(crypto.createHash('sha256').update(spkiDer(crypto.createPublicKey(v1))).digest()), pemOf(v1)),
      row('rekor-v2', encoding.toHex(noteKeyId(ORIGIN, v2Key)), pemOf(v2Key)),
    ],
  };
}

describe('trust files with a Rekor v2 log', () => {
  it('list the v2 tlog: baseUrl with the origin as hostname, PKIX_ED25519, logId = the full C2SP key ID, validFor', async () => {
    const { rows, v2Key } = await history();
    const files = boxTrustFiles(rows, { publicUrl: PUBLIC_URL, ctLog: false });
    const root = JSON.parse(String(files.find((f) => f.name === 'trusted_root.json')?.body)) as { tlogs: Array<Record<string, unknown>> };
    expect(root.tlogs).toHaveLength(2);
    expect(root.tlogs[1]).toEqual({
      baseUrl: PUBLIC_URL,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: encoding.toBase64(spkiDer(v2Key)), keyDetails: 'PKIX_ED25519', validFor: { start: '2026-01-01T00:00:00Z' } },
      logId: { keyId: encoding.toBase64(noteKeyId(ORIGIN, v2Key)) },
    });
    expect(new URL(root.tlogs[1]?.baseUrl as string).hostname).toBe(ORIGIN);
    expect(encoding.fromBase64((root.tlogs[1]?.logId as { keyId: string }).keyId)).toHaveLength(32);
  });

  it('sends new signatures to v2 by default when the history has a v2 log key and a TSA, v1 when told or when either is missing', async () => {
    const { rows } = await history();
    const versions = (history: typeof rows, signingLog?: 'v1' | 'v2') => {
      const body = boxTrustFiles(history, { publicUrl: PUBLIC_URL, ctLog: false, signingLog }).find((f) => f.name === 'signing_config.v0.2.json')?.body;
      return (JSON.parse(String(body)) as { rekorTlogUrls: Array<{ majorApiVersion: number }> }).rekorTlogUrls.map((u) => u.majorApiVersion);
    };
    // Which versions are listed depends on the roles present; any chain stands in for the TSA's here.
    const tsa: TrustKeyRow = { ...(rows[0] as TrustKeyRow), role: 'tsa', key_id: 'tsa', key_name: 'tsa-1' };
    expect(versions([...rows, tsa])).toEqual([2, 1]);
    expect(versions([...rows, tsa], 'v1')).toEqual([1]);
    // No TSA (a keyring made before it): a v2 entry would carry no time, so v2 stays out of the signing config.
    expect(versions(rows)).toEqual([1]);
    expect(versions(rows.filter((r) => r.role !== 'rekor-v2').concat(tsa))).toEqual([1]);
  });
});
