// The development keyring's Rekor v2 key: made with the others on first start, and added on the next start to a
// development keyring made before Rekor v2 existed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEYRING_FILE, loadKeyring } from '@sigbox/keyring';
import { DEV_KEYS_DIR, ensureDevKeyring } from './dev-keyring.js';

const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'sigbox-dev-keyring-'));
afterAll(() => fs.rm(temp, { recursive: true, force: true }));

describe('the development keyring', () => {
  it('has an Ed25519 rekor-v2 key, also after an upgrade from a keyring without one', async () => {
    const data = path.join(temp, 'data');
    const made = await ensureDevKeyring(data);
    const v2 = made.keys.find((k) => k.role === 'rekor-v2');
    expect(v2).toMatchObject({ name: 'rekor-v2-1', algorithm: 'ed25519', custody: 'file', file: 'rekor-v2-log.pem' });

    // A keyring from before: no rekor-v2 entry, no key file.
    const file = path.join(data, DEV_KEYS_DIR, KEYRING_FILE);
    const doc = JSON.parse(await fs.readFile(file, 'utf8')) as { keys: Array<{ role: string }> };
    await fs.writeFile(file, JSON.stringify({ ...doc, keys: doc.keys.filter((k) => k.role !== 'rekor-v2') }));
    await fs.rm(path.join(data, DEV_KEYS_DIR, 'rekor-v2-log.pem'));
    expect((await loadKeyring(path.join(data, DEV_KEYS_DIR))).keys.some((k) => k.role === 'rekor-v2')).toBe(false);

    const upgraded = await ensureDevKeyring(data);
    expect(upgraded.keys.filter((k) => k.role === 'rekor-v2')).toHaveLength(1);
    expect((await loadKeyring(path.join(data, DEV_KEYS_DIR))).keys.find((k) => k.role === 'rekor-v2')?.algorithm).toBe('ed25519');
    // And a later start changes nothing.
    expect((await ensureDevKeyring(data)).keys).toEqual(upgraded.keys);
  });
});
