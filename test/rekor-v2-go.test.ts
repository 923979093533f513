// What the Go clients compute from the v2 log's answers, with their own code: the checkpoint opened by
// golang.org/x/mod/sumdb/note with the log's vkey, and each entry's leaf hash rebuilt from the signed inputs by
// rekor-tiles pkg/types/hashedrekord.ToEntryHash (v2.3.0) — the reconstruction sigstore-go performs from a bundle,
// which must equal the hash of the leaf we stored. The program is test/go/rekor-v2-check, built by .ci/run into
// REKOR_V2_CHECK.
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { hashLeaf } from '@sigbox/merkle';
import type { TransparencyLogEntryJson } from '@sigbox/rekor';
import { findTool, hashedRekordV2Request, selfSignedCert, testKey } from '@sigbox/testkit';
import { type RekorV2Harness, V2_ORIGIN, startRekorV2 } from './helpers/rekor-v2.js';

const CHECK = findTool({ env: 'REKOR_V2_CHECK', why: 'the Go verifier of v2 answers: `go build -o …` in test/go/rekor-v2-check (.ci/run does)' });

interface GoAnswer {
  origin: string;
  size: number;
  leafHashes: string[];
}

describe.skipIf(CHECK === undefined)('Rekor v2 answers as Go clients see them', () => {
  let v2: RekorV2Harness;
  const requests: Array<ReturnType<typeof hashedRekordV2Request>> = [];
  const answers: TransparencyLogEntryJson[] = [];

  beforeAll(async () => {
    v2 = await startRekorV2('pglite');
    const artifact = encoding.utf8('go checked artifact\n');
    const cert = await selfSignedCert({ email: 'go@example.com', uri: 'https://example.com/go' });
    requests.push(
      hashedRekordV2Request(testKey('ecdsa-p256'), artifact),
      hashedRekordV2Request(testKey('ecdsa-p384'), artifact),
      hashedRekordV2Request(testKey('ecdsa-p521'), artifact),
      hashedRekordV2Request(testKey('ed25519'), artifact),
      hashedRekordV2Request(testKey('rsa'), artifact),
      hashedRekordV2Request(cert.key, artifact, { certificate: cert.der }),
    );
    for (const body of requests) answers.push((await request(v2.app).post('/api/v2/log/entries').send(body).expect(201)).body as TransparencyLogEntryJson);
  });
  afterAll(() => v2.close());

  it('opens the checkpoint with the vkey and rebuilds every stored leaf from the signed inputs', async () => {
    const checkpoint = (await request(v2.app).get('/api/v2/checkpoint').expect(200)).text;
    const input = {
      vkey: v2.vkey,
      checkpoint,
      entries: requests.map((r) => ({ digest: r.hashedRekordRequestV002.digest, signature: r.hashedRekordRequestV002.signature })),
    };
    const out = JSON.parse(execFileSync(CHECK as string, [], { input: JSON.stringify(input), encoding: 'utf8' })) as GoAnswer;
    expect(out.origin).toBe(V2_ORIGIN);
    expect(out.size).toBe(requests.length);
    expect(out.leafHashes).toEqual(answers.map((a) => encoding.toHex(hashLeaf(encoding.fromBase64(a.canonicalizedBody)))));
  });

  it('refuses the checkpoint under another key (the Go verifier is not a rubber stamp)', async () => {
    const other = await startRekorV2('pglite');
    try {
      const checkpoint = (await request(v2.app).get('/api/v2/checkpoint').expect(200)).text;
      expect(() => execFileSync(CHECK as string, [], { input: JSON.stringify({ vkey: other.vkey, checkpoint, entries: [] }), encoding: 'utf8', stdio: 'pipe' })).toThrow(/verif|signature/i);
    } finally {
      await other.close();
    }
  });
});
