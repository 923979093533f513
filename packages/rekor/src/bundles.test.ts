import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { entryKindVersion, parseProposedEntry, verifyEntryTimestamp, type EntryTimestampFields } from './index.js';

const dir = vectorsDir('sigstore');

interface TlogEntry {
  logIndex: string;
  logId: { keyId: string };
  integratedTime: string;
  inclusionPromise: { signedEntryTimestamp: string };
  canonicalizedBody: string;
  kindVersion: { kind: string; version: string };
}

function load(bundle: string, root: string) {
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir as string, f), 'utf8'));
  const entry = read(bundle).verificationMaterial.tlogEntries[0] as TlogEntry;
  const tlogs = read(root).tlogs as Array<{ logId: { keyId: string }; publicKey: { rawBytes: string } }>;
  const tlog = tlogs.find((t) => t.logId.keyId === entry.logId.keyId);
  const key = crypto.createPublicKey({ key: Buffer.from(tlog?.publicKey.rawBytes ?? '', 'base64'), format: 'der', type: 'spki' });
  return { entry, key };
}

describe.skipIf(!dir)('real Sigstore bundles', () => {
  it.each([
    ['bundle_v3.txt.sigstore', 'bundle_v3.txt', 'staging.trusted_root.json', 'william@yossarian.net'],
    ['bundle_v3_github.whl.sigstore', 'bundle_v3_github.whl', 'production.trusted_root.json', 'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2'],
  ])('%s: body round-trips, verifies, and its SET checks out', async (bundle, artifact, root, san) => {
    const { entry, key } = load(bundle, root);
    const body = encoding.fromBase64(entry.canonicalizedBody);
    const stored = JSON.parse(encoding.fromUtf8(body));
    expect(entryKindVersion(body)).toEqual({ kind: entry.kindVersion.kind, apiVersion: entry.kindVersion.version });
    // The artifact digest is what was signed; the body must carry it.
    const digest = crypto.hash('sha256', fs.readFileSync(path.join(dir as string, artifact)), 'hex');
    expect(stored.spec.data.hash.value).toBe(digest);

    const parsed = await parseProposedEntry(stored); // verifies the real signature against the Fulcio certificate
    expect(parsed.canonicalBody).toEqual(body);
    expect(parsed.leafHash).toEqual(sha256(new Uint8Array([0]), body));
    // Index keys: the submitted certificate's hash, the artifact digest, its SAN (the signer's identity).
    const certificateHash = encoding.toHex(sha256(encoding.fromBase64(stored.spec.signature.publicKey.content)));
    expect(parsed.indexKeys).toEqual([certificateHash, `sha256:${digest}`, san]);

    const fields: EntryTimestampFields = {
      body: entry.canonicalizedBody,
      integratedTime: BigInt(entry.integratedTime),
      logID: encoding.toHex(encoding.fromBase64(entry.logId.keyId)),
      logIndex: BigInt(entry.logIndex),
    };
    const set = encoding.fromBase64(entry.inclusionPromise.signedEntryTimestamp);
    expect(verifyEntryTimestamp(fields, set, key)).toBe(true);

    const flipped = encoding.fromBase64(entry.canonicalizedBody);
    flipped[40] = (flipped[40] as number) ^ 1;
    const badSet = set.slice();
    badSet[20] = (badSet[20] as number) ^ 1;
    expect(verifyEntryTimestamp({ ...fields, body: encoding.toBase64(flipped) }, set, key)).toBe(false);
    expect(verifyEntryTimestamp({ ...fields, integratedTime: BigInt(entry.integratedTime) + 1n }, set, key)).toBe(false);
    expect(verifyEntryTimestamp({ ...fields, logIndex: BigInt(entry.logIndex) + 1n }, set, key)).toBe(false);
    expect(verifyEntryTimestamp(fields, badSet, key)).toBe(false);
  });
});
