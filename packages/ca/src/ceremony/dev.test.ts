import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spkiDer } from '@sigbox/core';
import { spawnNode } from '@sigbox/testkit';
import { ensureDevCa } from './dev.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-ceremony-dev-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
const keyHex = (ca: { signer: { publicKey: crypto.KeyObject } }) => Buffer.from(spkiDer(ca.signer.publicKey)).toString('hex');

describe('ensureDevCa', () => {
  it('creates O=sigbox CN=sigbox-dev once, then loads the same CA', async () => {
    const dir = path.join(temp, 'data', 'ca');
    const first = await ensureDevCa({ dir });
    const second = await ensureDevCa({ dir });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.chainDer).toEqual(first.chainDer);
    expect(keyHex(second)).toBe(keyHex(first));
    const root = new crypto.X509Certificate(first.chainDer[1]!);
    expect(root.subject).toBe('O=sigbox\nCN=sigbox-dev');
  });

  it('gives concurrent starters on one data folder one CA, and leaves no staging folders', async () => {
    const dir = path.join(temp, 'race', 'ca');
    const all = await Promise.all(Array.from({ length: 6 }, () => ensureDevCa({ dir })));
    expect(all.filter((ca) => ca.created)).toHaveLength(1);
    expect(new Set(all.map(keyHex)).size).toBe(1);
    expect(new Set(all.map((ca) => Buffer.from(ca.chainDer[0]!).toString('hex'))).size).toBe(1);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['ca']);
  });

  it('gives separate processes starting together one CA', async () => {
    const dir = path.join(temp, 'processes', 'ca');
    const module = fileURLToPath(new URL('./dev.ts', import.meta.url));
    const script = `const { ensureDevCa } = await import(${JSON.stringify(module)});
      const ca = await ensureDevCa({ dir: ${JSON.stringify(dir)} });
      console.log(JSON.stringify({ created: ca.created, chain: Buffer.from(ca.chainDer[0]).toString('hex') }));`;
    const args = ['--import', 'tsx', '--conditions=@sigbox/source', '--input-type=module', '-e', script];
    const runs = await Promise.all(Array.from({ length: 3 }, async () => {
      const run = spawnNode(args, { keepStdout: true });
      expect(await run.exited(), run.stderr()).toBe(0);
      return run.stdout();
    }));
    const results = runs.map((stdout) => JSON.parse(stdout) as { created: boolean; chain: string });
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.chain)).size).toBe(1);
  });

  it('does not paper over a folder that is not a CA (a pending CSR, stray files)', async () => {
    const dir = path.join(temp, 'stray');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'intermediate.csr.pem'), 'pending');
    await expect(ensureDevCa({ dir })).rejects.toMatchObject({ code: 'CA_NOT_FOUND' });
    expect(fs.readdirSync(dir)).toEqual(['intermediate.csr.pem']);
  });
});
