// Interop: the real rekor-cli (v1.6.1) against the real `sigbox up`, on PGlite and, with TEST_DATABASE_URL,
// on a fresh Postgres database. Tests run in order and share the log they grow (index 0, then 1–3, …).
import crypto from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, TOOL_TIMEOUT_MS, type ToolResult, databaseEngines, findTool, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStack, expectSuccess } from './fixture.js';
import { type ArtifactKey, type SignedArtifact, createArtifactKey, signArtifact } from './signed-artifacts.js';

const REKOR_CLI = findTool({
  env: 'REKOR_CLI',
  command: 'rekor-cli',
  why: 'Rekor v1 interop with the real client; set REKOR_CLI=/path/to/rekor-cli or put rekor-cli on PATH',
});
const STEP_TIMEOUT_MS = 4 * TOOL_TIMEOUT_MS;
const ENTRY_ID_RE = /^[0-9a-f]{80}$/;

/** rekor-cli `get --format json` (cmd/rekor-cli/app/get.go getCmdOutput). */
interface GetOutput {
  Body: { HashedRekordObj: { data: { hash: { algorithm: string; value: string } }; signature: { publicKey: { content: string } } } };
  LogIndex: number;
  IntegratedTime: number;
  UUID: string;
  LogID: string;
}

describe.skipIf(REKOR_CLI === undefined).each(databaseEngines())('rekor-cli against sigbox up on %s', (engine) => {
  let stack: InteropStack;
  let key: ArtifactKey;
  let first: SignedArtifact;
  let firstEntryId: string;
  let startedAt: number;
  /** rekor-cli keeps ~/.rekor/state.json: in the stack's HOME, never the user's. */
  const cli = (...args: string[]) => stack.runClient(REKOR_CLI as string, [...args, '--rekor_server', stack.url]);
  const ok = (result: ToolResult) => expectSuccess(result, stack);
  const logInfo = async () => (await (await fetch(`${stack.url}/api/v1/log`)).json()) as { rootHash: string; treeID: string };
  const hashedrekord = (a: SignedArtifact) => ['--type', 'hashedrekord', '--artifact', a.artifact, '--signature', a.signature, '--public-key', a.publicKey];

  beforeAll(async () => {
    startedAt = Math.floor(Date.now() / 1000);
    stack = await startInteropStack(engine, { name: 'rekor-cli', dev: false });
    key = await createArtifactKey(stack.work, 'signer');
    first = await signArtifact(stack.work, 'first.txt', 'hello from rekor-cli\n', key);
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(() => closeStack(stack));

  it('uploads a hashedrekord entry: index 0, at the entry ID made of tree ID and UUID', async () => {
    const out = ok(await cli('upload', ...hashedrekord(first)));
    const match = /^Created entry at index 0, available at: (\S+)$/m.exec(out);
    expect(match, out).not.toBeNull();
    const location = new URL(match?.[1] as string);
    expect(location.origin).toBe(stack.url);
    firstEntryId = location.pathname.replace('/api/v1/log/entries/', '');
    expect(firstEntryId).toMatch(ENTRY_ID_RE);
    expect(firstEntryId.slice(16)).toBe(first.uuid);
  }, STEP_TIMEOUT_MS);

  it('gets the entry by index, by UUID and by entry ID, with the log ID of the served key', async () => {
    const pem = await (await fetch(`${stack.url}/api/v1/log/publicKey`)).text();
    const spki = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
    const logId = crypto.createHash('sha256').update(spki).digest('hex');

    const byIndex = JSON.parse(ok(await cli('get', '--log-index', '0', '--format', 'json'))) as GetOutput;
    expect(byIndex).toMatchObject({ LogIndex: 0, UUID: firstEntryId, LogID: logId });
    expect(byIndex.Body.HashedRekordObj.data.hash).toEqual({ algorithm: 'sha256', value: first.digest });
    expect(Buffer.from(byIndex.Body.HashedRekordObj.signature.publicKey.content, 'base64').toString()).toBe(key.publicKeyPem);
    expect(byIndex.IntegratedTime).toBeGreaterThanOrEqual(startedAt - 1);
    expect(byIndex.IntegratedTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);

    for (const ref of [first.uuid, firstEntryId]) {
      expect(JSON.parse(ok(await cli('get', '--uuid', ref, '--format', 'json')))).toEqual(byIndex);
    }
    const text = ok(await cli('get', '--uuid', first.uuid));
    expect(text).toContain(`LogID: ${logId}\nIndex: 0\n`);
    expect(text).toContain(`UUID: ${firstEntryId}\n`);
  }, STEP_TIMEOUT_MS);

  it('verifies the entry, and refuses a tampered artifact and an entry that was never logged', async () => {
    const verified = JSON.parse(ok(await cli('verify', ...hashedrekord(first), '--format', 'json'))) as Record<string, unknown>;
    const info = await logInfo();
    expect(verified).toMatchObject({ RootHash: info.rootHash, EntryUUID: firstEntryId, Index: 0, Size: 1, Hashes: [] });
    expect(verified.Checkpoint).toMatch(new RegExp(`^127\\.0\\.0\\.1 - ${info.treeID}\\n1\\n`));

    await writeFile(first.artifact, 'hello from rekor-cli, tampered\n');
    const tampered = await cli('verify', ...hashedrekord(first));
    await writeFile(first.artifact, 'hello from rekor-cli\n');
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('invalid signature');

    const unlogged = await signArtifact(stack.work, 'unlogged.txt', 'never uploaded\n', key);
    const missing = await cli('verify', ...hashedrekord(unlogged));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('entry in log cannot be located');
  }, STEP_TIMEOUT_MS);

  it('reports log info, then proves consistency with its stored state after more appends', async () => {
    const before = await cli('loginfo', '--format', 'json');
    expect(JSON.parse(ok(before))).toMatchObject({ TotalTreeSize: 1, ActiveTreeSize: 1 });
    expect(before.stderr).toContain('No previous log state stored');
    const state = path.join(stack.home, '.rekor', 'state.json');
    expect(Object.keys(JSON.parse(await readFile(state, 'utf8')) as object)).toContain(stack.url);

    for (const i of [1, 2, 3]) {
      const artifact = await signArtifact(stack.work, `more-${i}.txt`, `entry ${i}\n`, key);
      expect(ok(await cli('upload', ...hashedrekord(artifact)))).toMatch(new RegExp(`^Created entry at index ${i}, `));
    }
    const after = await cli('loginfo', '--format', 'json');
    const info = await logInfo();
    expect(JSON.parse(ok(after))).toEqual({ ActiveTreeSize: 4, TotalTreeSize: 4, RootHash: info.rootHash, TreeID: info.treeID });
    expect(after.stderr).not.toContain('No previous log state stored');
  }, STEP_TIMEOUT_MS);

  it('fails loginfo when its stored state is not a prefix of the log (the consistency proof is checked)', async () => {
    const state = path.join(stack.home, '.rekor', 'state.json');
    const saved = await readFile(state, 'utf8');
    const states = JSON.parse(saved) as Record<string, string>;
    // rekor-cli keys its state by server URL and by tree ID: fork both. The stored size-4 checkpoint gets
    // another root, as if the log had been rewritten behind the client's back.
    expect(Object.keys(states).sort()).toEqual([stack.url, (await logInfo()).treeID].sort());
    const fake = Buffer.alloc(32, 7).toString('base64');
    const forked = Object.fromEntries(Object.entries(states).map(([k, note]) => [k, note.replace(/^(.*\n4\n)\S+\n/, `$1${fake}\n`)]));
    expect(Object.values(forked).every((note) => note.includes(`\n4\n${fake}\n`))).toBe(true);
    await writeFile(state, JSON.stringify(forked));
    const fifth = await signArtifact(stack.work, 'fifth.txt', 'entry 4\n', key);
    expect(ok(await cli('upload', ...hashedrekord(fifth)))).toMatch(/^Created entry at index 4, /);

    const refused = await cli('loginfo');
    expect(refused.code).toBe(1);
    // transparency-dev/merkle RootMismatchError: the size-5 root rebuilt from the forked size-4 root is not
    // the server's (Go prints the byte slices).
    const goBytes = (hex: string) => `[${[...Buffer.from(hex, 'hex')].join(' ')}]`;
    expect(refused.stderr).toContain(`does not match expected root:\n${goBytes((await logInfo()).rootHash)}`);
    // The true state proves consistency 4 → 5 against the same proof source.
    await writeFile(state, saved);
    expect(JSON.parse(ok(await cli('loginfo', '--format', 'json')))).toMatchObject({ TotalTreeSize: 5 });
  }, STEP_TIMEOUT_MS);

  it('answers a duplicate upload with the existing entry', async () => {
    const out = ok(await cli('upload', ...hashedrekord(first)));
    expect(out).toBe(`Entry already exists; available at: ${stack.url}/api/v1/log/entries/${firstEntryId}\n`);
    const json = JSON.parse(ok(await cli('upload', ...hashedrekord(first), '--format', 'json'))) as Record<string, unknown>;
    expect(json).toEqual({ AlreadyExists: true, Location: `/api/v1/log/entries/${firstEntryId}`, Index: 0 });
  }, STEP_TIMEOUT_MS);

  it('searches by public key and by artifact', async () => {
    const other = await signArtifact(stack.work, 'other.txt', 'another signer\n', await createArtifactKey(stack.work, 'other'));
    ok(await cli('upload', ...hashedrekord(other)));

    const byKey = JSON.parse(ok(await cli('search', '--public-key', key.publicKeyPath, '--format', 'json'))) as { UUIDs: string[] };
    expect(byKey.UUIDs).toHaveLength(5);
    expect(byKey.UUIDs).toContain(firstEntryId);
    expect(byKey.UUIDs.every((id) => ENTRY_ID_RE.test(id))).toBe(true);
    const byOtherKey = JSON.parse(ok(await cli('search', '--public-key', other.publicKey, '--format', 'json'))) as { UUIDs: string[] };
    expect(byOtherKey.UUIDs.map((id) => id.slice(16))).toEqual([other.uuid]);

    const byArtifact = JSON.parse(ok(await cli('search', '--artifact', first.artifact, '--format', 'json'))) as { UUIDs: string[] };
    expect(byArtifact.UUIDs).toEqual([firstEntryId]);
    const text = ok(await cli('search', '--sha', `sha256:${other.digest}`));
    expect(text).toContain(other.uuid);
  }, STEP_TIMEOUT_MS);
});
