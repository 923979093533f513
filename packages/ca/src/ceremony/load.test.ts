import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCa, type InitializedCa } from './init.js';
import { loadCa } from './load.js';

const AT = new Date('2030-01-01T00:00:00Z');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-ceremony-load-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** A copy of the CA folder with one file changed, so each case starts from a good CA. */
function tamper(ca: InitializedCa, name: string, change: (dir: string) => void): string {
  const dir = path.join(temp, name);
  fs.cpSync(ca.dir, dir, { recursive: true });
  change(dir);
  return dir;
}

describe('loadCa refuses what fulcio would refuse at start-up', () => {
  let ca: InitializedCa;
  beforeAll(async () => {
    ca = await initCa({ dir: path.join(temp, 'good'), subject: { organization: 'o', commonName: 'c' }, keys: { kind: 'file' }, clock: () => AT });
  });
  const load = (dir: string, at = AT) => loadCa({ dir, clock: () => at });

  it('CA_NOT_FOUND for a missing or empty folder', async () => {
    await expect(load(path.join(temp, 'absent'))).rejects.toMatchObject({ code: 'CA_NOT_FOUND' });
    fs.mkdirSync(path.join(temp, 'empty'));
    await expect(load(path.join(temp, 'empty'))).rejects.toMatchObject({ code: 'CA_NOT_FOUND' });
  });

  it('INVALID_CA when the key is not the first certificate’s (root key in place of the intermediate key)', async () => {
    const dir = tamper(ca, 'swapped-key', (d) => fs.copyFileSync(path.join(d, 'root.key.pem'), path.join(d, 'intermediate.key.pem')));
    await expect(load(dir)).rejects.toMatchObject({ code: 'INVALID_CA', message: expect.stringMatching(/signer's key/) });
  });

  it('INVALID_CA for a chain in the wrong order, without its root, or not PEM', async () => {
    const write = (name: string, text: string) => tamper(ca, name, (d) => fs.writeFileSync(path.join(d, 'chain.pem'), text));
    await expect(load(write('reversed', ca.root.pem + ca.intermediate.pem))).rejects.toMatchObject({ code: 'INVALID_CA' });
    await expect(load(write('no-root', ca.intermediate.pem))).rejects.toMatchObject({ code: 'INVALID_CA' });
    await expect(load(write('garbage', 'hello\n'))).rejects.toMatchObject({ code: 'INVALID_CA' });
  });

  it('INVALID_CA without a key, and once the intermediate has expired', async () => {
    await expect(load(tamper(ca, 'no-key', (d) => fs.rmSync(path.join(d, 'intermediate.key.pem'))))).rejects.toMatchObject({ code: 'INVALID_CA' });
    await expect(load(ca.dir, new Date('2035-01-02T00:00:00Z'))).rejects.toMatchObject({ code: 'INVALID_CA', message: expect.stringMatching(/not valid at/) });
    await expect(load(ca.dir, new Date('2034-12-31T00:00:00Z'))).resolves.toBeTruthy();
  });

  it('INVALID_CA for an hsm.json without the fields it needs', async () => {
    const dir = tamper(ca, 'bad-hsm', (d) => fs.writeFileSync(path.join(d, 'hsm.json'), '{"module":"/x.so"}'));
    await expect(loadCa({ dir, clock: () => AT, pin: '1' })).rejects.toMatchObject({ code: 'INVALID_CA' });
  });
});
