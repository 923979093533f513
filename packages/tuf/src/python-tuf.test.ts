// The same repository through python-tuf's ngclient (tuf 7.0.1), the client sigstore-python runs for
// `--instance URL` / `trust-instance`. Uses the cached sigstore-python tool environment; skipped without it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { TARGETS_V2, type TestRepository, createTestRepository, rotateRoot } from './__fixtures__/repository.js';
import { type TufServer, startTufServer } from './__fixtures__/tuf-server.js';
import { sha256Hex, signMetadata, buildTimestamp } from './index.js';

const PYTHON = process.env.SIGBOX_PYTHON_TUF ?? '/root/.cache/sigbox-tools/sigstore-python-4.5.1/bin/python';

// tuf.ngclient.Updater as sigstore-python 4.5.1's TrustUpdater (`sigstore/_internal/tuf.py`) drives it: metadata at
// the mirror, targets below /targets/, the trusted root passed as `bootstrap`.
const SCRIPT = `
import hashlib, json, os, shutil, sys, tempfile
from tuf.ngclient import Updater
mirror, root, names = sys.argv[1], sys.argv[2], sys.argv[3:]
d = tempfile.mkdtemp()
try:
    with open(root, "rb") as f:
        u = Updater(metadata_dir=d, metadata_base_url=mirror, target_base_url=mirror + "/targets/", target_dir=d, bootstrap=f.read())
    u.refresh()
    out = {}
    for n in names:
        with open(u.download_target(u.get_targetinfo(n)), "rb") as f:
            out[n] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(d, "root.json")) as f:
        print(json.dumps({"root": json.load(f)["signed"]["version"], "targets": out}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__ + ": " + str(e)}))
finally:
    shutil.rmtree(d)
`;

describe.skipIf(!fs.existsSync(PYTHON))('python-tuf against the repository', () => {
  let server: TufServer;
  let repo: TestRepository;
  let rootFile: string;

  async function check(...names: string[]): Promise<{ root?: number; targets?: Record<string, string>; error?: string }> {
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', SCRIPT, server.url, rootFile, ...names], { timeout: 60_000 });
    return JSON.parse(stdout) as { root?: number; targets?: Record<string, string>; error?: string };
  }

  beforeAll(async () => {
    server = await startTufServer();
    repo = await createTestRepository(server);
    rootFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-python-tuf-')), 'root.json');
    fs.writeFileSync(rootFile, repo.root.bytes);
    await rotateRoot(repo, server);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(path.dirname(rootFile), { recursive: true, force: true });
  });

  it('starts from root v1, ends on root v2 and downloads the new targets', async () => {
    const names = Object.keys(TARGETS_V2);
    expect(await check(...names)).toEqual({ root: 2, targets: Object.fromEntries(names.map((n) => [n, sha256Hex(encoding.utf8(TARGETS_V2[n] as string))])) });
  });

  it('refuses a timestamp whose snapshot hash does not match the served snapshot', async () => {
    // Same length, one byte off: the length check passes, the sha256 pin must catch it.
    const bytes = Uint8Array.from(repo.snapshot.bytes);
    bytes[bytes.length - 1] = 0x20;
    const wrong = { version: repo.snapshot.version, bytes };
    server.publish(await signMetadata(buildTimestamp({ version: repo.timestamp.version + 1, expires: new Date(Date.now() + 3_600_000), snapshot: wrong }), [repo.online]));
    expect((await check('rekor.pub')).error).toMatch(/^LengthOrHashMismatchError: Observed hash/);
  });
});
