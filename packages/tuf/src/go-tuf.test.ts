// The same repository through Sigstore's Go clients: go-tuf v0.7 (sigstore/sigstore pkg/tuf, cosign v2's legacy
// path, Kyverno) and go-tuf v2 (sigstore-go, cosign v2.6+/v3), run by test-go/main.go. Skipped without a Go
// toolchain, except in CI where the check is required.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { TARGETS_V2, type TestRepository, createTestRepository, rotateRoot } from './__fixtures__/repository.js';
import { type TufServer, startTufServer } from './__fixtures__/tuf-server.js';
import { sha256Hex, targetPath } from './index.js';

const TEST_GO = fileURLToPath(new URL('../test-go/', import.meta.url));
const GO = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin'].map((d) => path.join(d, 'go')).find((p) => fs.existsSync(p));

interface Report {
  client: string;
  root: number;
  targets: Record<string, string>;
  usage?: Record<string, string>;
  error?: string;
}

if (GO === undefined && process.env.CI === 'true') throw new Error('go is required in CI for the go-tuf cross-check');
if (GO === undefined) console.warn('go not found: skipping the go-tuf v0.7 / v2 cross-check');

describe.skipIf(GO === undefined)('go-tuf v0.7 and v2 against the repository', () => {
  let server: TufServer;
  let repo: TestRepository;
  let rootFile: string;

  async function check(...names: string[]): Promise<Report[]> {
    const { stdout } = await promisify(execFile)(GO as string, ['run', '.', server.url, rootFile, ...names], { cwd: TEST_GO, timeout: 240_000 });
    return stdout.trim().split('\n').map((line) => JSON.parse(line) as Report);
  }

  beforeAll(async () => {
    server = await startTufServer();
    repo = await createTestRepository(server);
    rootFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-go-tuf-')), 'root.json');
    fs.writeFileSync(rootFile, repo.root.bytes);
    await rotateRoot(repo, server);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    fs.rmSync(path.dirname(rootFile), { recursive: true, force: true });
  });

  it('both clients start from root v1, end on root v2 and download the new targets', async () => {
    const names = ['trusted_root.json', 'signing_config.v0.2.json', 'rekor.pub'];
    const expected = Object.fromEntries(names.map((n) => [n, sha256Hex(encoding.utf8(TARGETS_V2[n] as string))]));
    const reports = await check(...names);
    expect(reports).toEqual([
      { client: 'go-tuf-v0.7', root: 2, targets: expected, usage: { 'rekor.pub': 'Rekor' } },
      { client: 'go-tuf-v2', root: 2, targets: expected },
    ]);
  }, 240_000);

  it('both clients refuse a tampered target', async () => {
    server.files.set(`targets/${targetPath('rekor.pub', encoding.utf8('rekor key v2'))}`, encoding.utf8('rekor key v3'));
    const reports = await check('rekor.pub');
    expect(reports.map((r) => r.client)).toEqual(['go-tuf-v0.7', 'go-tuf-v2']);
    for (const r of reports) expect(r.error).toMatch(/download rekor.pub: .*(hash|length)/i);
  }, 240_000);
});
