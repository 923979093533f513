import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEphemeralSigner } from '@sigbox/core';
import { formatCosignatureVerifierKey } from '@sigbox/merkle';
import { afterAll, describe, expect, it } from 'vitest';
import { StartError } from '../error.js';
import { loadWitnessPolicy } from './load-policy.js';

describe('loadWitnessPolicy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-policy-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const vkey = formatCosignatureVerifierKey('w.example/1', createEphemeralSigner('ed25519').publicKey);

  it('reads the file as rekor-tiles would', async () => {
    const policy = await loadWitnessPolicy(write('ok.policy', `witness w ${vkey} https://w.example/1\nquorum w\n`));
    expect(policy.witnesses.map((w) => w.key.name)).toEqual(['w.example/1']);
  });

  it('refuses to start on an unreadable or invalid file, naming the file and the line', async () => {
    const bad = write('bad.policy', `# witnesses\nwitness w ${vkey}\nquorum w\n`);
    const error = await loadWitnessPolicy(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartError);
    expect(error).toMatchObject({ code: 'CONFIG_UNUSABLE', details: { line: 2 } });
    expect((error as Error).message).toBe(`${bad}: witness policy line 2: expected: witness <name> <vkey> <url>`);
    await expect(loadWitnessPolicy(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'CONFIG_UNUSABLE' });
  });
});
