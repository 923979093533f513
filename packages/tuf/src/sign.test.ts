import { describe, expect, it } from 'vitest';
import { type Signer, createEphemeralSigner, derToP1363, encoding } from '@sigbox/core';
import {
  type SignedDocument,
  addSignatures,
  buildRoot,
  buildSnapshot,
  buildTargets,
  buildTimestamp,
  parseDocument,
  sha256Hex,
  signMetadata,
  signRoot,
  tufKey,
  verifyRootUpdate,
  verifyThreshold,
} from './index.js';

const DAY_MS = 86_400_000;
const expires = new Date('2027-01-01T00:00:00.999Z');

function rootWith(version: number, rootKeys: Signer[], threshold: number, online: Signer) {
  const offline = { keys: rootKeys.map((s) => s.publicKey), threshold };
  const on = { keys: [online.publicKey], threshold: 1 };
  return buildRoot({ version, expires, roles: { root: offline, targets: offline, snapshot: on, timestamp: on } });
}

describe('root signing', () => {
  const keys = [createEphemeralSigner(), createEphemeralSigner(), createEphemeralSigner()];
  const online = createEphemeralSigner();

  it('writes root.json as the Sigstore root does: whole-second expiry, consistent snapshots, shared keys listed once', async () => {
    const doc = await signRoot(rootWith(1, keys, 2, online), { newRootSigners: keys.slice(0, 2) });
    const signed = (doc.json as { signed: Record<string, unknown> }).signed;
    expect(signed).toMatchObject({ _type: 'root', spec_version: '1.0', version: 1, expires: '2027-01-01T00:00:00Z', consistent_snapshot: true });
    expect(Object.keys(signed.keys as object).sort()).toEqual([...keys, online].map((k) => tufKey(k.publicKey).keyId).sort());
    expect(doc.expires).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(parseDocument(doc.bytes, 'root')).toEqual(doc);
  });

  it('collects a threshold of offline signatures made at different times', async () => {
    const unsigned = rootWith(1, keys, 2, online);
    const first = await signMetadata(unsigned, [keys[0] as Signer]);
    expect(() => verifyRootUpdate(undefined, first)).toThrow(expect.objectContaining({ code: 'THRESHOLD_NOT_MET' }));
    const second = await addSignatures(parseDocument(first.bytes), [keys[2] as Signer, keys[2] as Signer]);
    expect((second.json as { signatures: unknown[] }).signatures).toHaveLength(2);
    expect(() => verifyRootUpdate(undefined, second)).not.toThrow();
  });

  it('demands version N+1 and thresholds of both the old and the new root keys', async () => {
    const v1 = await signRoot(rootWith(1, keys, 2, online), { newRootSigners: keys.slice(0, 2) });
    const fresh = [createEphemeralSigner(), createEphemeralSigner()];
    const next = rootWith(2, fresh, 2, online);
    await expect(signRoot(next, { previous: v1, newRootSigners: fresh })).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    await expect(signRoot(next, { previous: v1, oldRootSigners: keys, newRootSigners: fresh.slice(1) })).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    await expect(signRoot(rootWith(3, fresh, 2, online), { previous: v1, oldRootSigners: keys, newRootSigners: fresh })).rejects.toMatchObject({ code: 'INVALID_VERSION' });
    const v2 = await signRoot(next, { previous: v1, oldRootSigners: keys.slice(1), newRootSigners: fresh });
    expect(v2.version).toBe(2);
  });

  it('refuses thresholds no set of keys can meet', () => {
    expect(() => rootWith(1, keys, 4, online)).toThrow(expect.objectContaining({ code: 'INVALID_THRESHOLD' }));
    expect(() => rootWith(1, [keys[0] as Signer, keys[0] as Signer], 2, online)).toThrow(expect.objectContaining({ code: 'INVALID_THRESHOLD' }));
    expect(() => rootWith(0, keys, 2, online)).toThrow(expect.objectContaining({ code: 'INVALID_VERSION' }));
  });

  it('refuses a signer whose signatures do not verify (an HSM answering in P1363)', async () => {
    const good = createEphemeralSigner();
    const p1363: Signer = { ...good, sign: async (data) => derToP1363(await good.sign(data), 32) };
    await expect(signMetadata(rootWith(1, [good], 1, online), [p1363])).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });
});

describe('online roles', () => {
  const online = createEphemeralSigner();
  const offline = createEphemeralSigner();
  const root = () => signRoot(rootWith(1, [offline], 1, online), { newRootSigners: [offline] });

  it('pins the snapshot in the timestamp by version, length and sha256 of the served bytes', async () => {
    const snapshot = await signMetadata(buildSnapshot({ version: 3, expires, targetsVersion: 2 }), [online]);
    const timestamp = await signMetadata(buildTimestamp({ version: 5, expires, snapshot }), [online]);
    expect((snapshot.json as { signed: { meta: unknown } }).signed.meta).toEqual({ 'targets.json': { version: 2 } });
    expect((timestamp.json as { signed: { meta: unknown } }).signed.meta).toEqual({
      'snapshot.json': { version: 3, length: snapshot.bytes.byteLength, hashes: { sha256: sha256Hex(snapshot.bytes) } },
    });
    const trusted = await root();
    expect(() => verifyThreshold(timestamp, trusted)).not.toThrow();
    const forged = await signMetadata(buildTimestamp({ version: 6, expires, snapshot }), [offline]);
    expect(() => verifyThreshold(forged, trusted)).toThrow(expect.objectContaining({ code: 'THRESHOLD_NOT_MET' }));
  });

  it('lists targets with length, sha256 and custom metadata, and refuses unsafe or duplicate names', async () => {
    const bytes = encoding.utf8('-----BEGIN PUBLIC KEY-----\n');
    const targets = buildTargets({ version: 1, expires: new Date(Date.now() + DAY_MS), targets: [{ name: 'ctfe.pub', bytes, custom: { sigstore: { usage: 'CTFE', status: 'Active' } } }] });
    const doc: SignedDocument = await signMetadata(targets, [offline]);
    expect((doc.json as { signed: { targets: unknown } }).signed.targets).toEqual({
      'ctfe.pub': { length: bytes.byteLength, hashes: { sha256: sha256Hex(bytes) }, custom: { sigstore: { usage: 'CTFE', status: 'Active' } } },
    });
    for (const name of ['../root.json', 'a/b', '', '.hidden']) {
      expect(() => buildTargets({ version: 1, expires, targets: [{ name, bytes }] })).toThrow(expect.objectContaining({ code: 'INVALID_TARGET' }));
    }
    expect(() => buildTargets({ version: 1, expires, targets: [{ name: 'a', bytes }, { name: 'a', bytes }] })).toThrow(expect.objectContaining({ code: 'INVALID_TARGET' }));
  });
});
