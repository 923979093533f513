// Interop: the real rekor-cli (v1.6.1) against a Rekor log that rotated its key into a second shard, served by the
// real app on a loopback port. rekor-cli fetches each entry's key by the tree ID in its entry ID (`get`), and checks
// every inactive shard's signed tree head, and its consistency with the head it stored before (`loginfo`).
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeySigner, generatePrivateKey } from '@sigbox/core';
import { type LogTree, openLogTree } from '@sigbox/log';
import { type RekorShard, type ShardedRekorLog, createShardedRekorLog, logIdHex, rekorShardTreeName, rekorTreeDescription } from '@sigbox/rekor';
import { createApp, createRekorApi } from '@sigbox/server';
import { TOOL_TIMEOUT_MS, type TestDatabase, type ToolResult, createTestDatabase, databaseEngines, findTool, runTool } from '@sigbox/testkit';
import { HOSTNAME, keyEntry } from '../helpers/rekor.js';

const REKOR_CLI = findTool({
  env: 'REKOR_CLI',
  command: 'rekor-cli',
  why: 'Rekor v1 interop with the real client; set REKOR_CLI=/path/to/rekor-cli or put rekor-cli on PATH',
});
const STEP_TIMEOUT_MS = 4 * TOOL_TIMEOUT_MS;

describe.skipIf(REKOR_CLI === undefined).each(databaseEngines())('rekor-cli across log shards on %s', (engine) => {
  let db: TestDatabase;
  let home: string;
  let server: Server;
  let url: string;
  let log: ShardedRekorLog;
  const trees: LogTree[] = [];
  /** Every path and query rekor-cli asked for. */
  const requested: string[] = [];
  const keys = [generatePrivateKey('ecdsa-p256'), generatePrivateKey('ecdsa-p256')] as const;

  const openShard = async (privateKey: (typeof keys)[number], name: string): Promise<RekorShard> => {
    const tree = await openLogTree(db, { ...rekorTreeDescription({ hostname: HOSTNAME, key: { privateKey }, name }), batchMaxAgeMs: 2 });
    trees.push(tree);
    return { tree, signer: createKeySigner(privateKey) };
  };
  // rekor-cli keeps ~/.rekor/state.json (the tree heads it saw): in a HOME of the suite's own.
  const cli = (...args: string[]) => runTool(REKOR_CLI as string, [...args, '--rekor_server', url], { env: { HOME: home, PATH: process.env.PATH } });
  const ok = (result: ToolResult) => {
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return result.stdout;
  };
  const create = async (): Promise<string> => Object.keys((await log.createEntry(keyEntry())).entry)[0] as string;

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    home = await mkdtemp(path.join(tmpdir(), 'sigbox-rekor-cli-shards-'));
    log = await createShardedRekorLog({ shards: [await openShard(keys[0], 'rekor')] });
    const app = createApp({ logger: pino({ enabled: false }), apis: [createRekorApi(log)] });
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    for (const tree of trees) await tree.close();
    await db?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('gets entries of both shards by global index, each verified with its own shard’s key; loginfo checks the frozen shard', async () => {
    const old = [await create(), await create(), await create()];
    // loginfo stores the first tree's head under its tree ID; after the rotation it proves the frozen tree consistent with it.
    ok(await cli('loginfo', '--format', 'json'));
    old.push(await create());
    const first = log.tree.treeId;
    await log.rotateTo(await openShard(keys[1], rekorShardTreeName(logIdHex(createKeySigner(keys[1]).publicKey))));
    const fresh = [await create(), await create()];

    const entries = [...old, ...fresh];
    for (const [index, entryId] of entries.entries()) {
      const got = JSON.parse(ok(await cli('get', '--log-index', String(index), '--format', 'json'))) as { LogIndex: number; UUID: string; LogID: string };
      expect(got.LogIndex).toBe(index);
      expect(got.UUID).toBe(entryId);
      expect(got.LogID).toBe(logIdHex(createKeySigner(keys[index < old.length ? 0 : 1]).publicKey));
    }
    const info = JSON.parse(ok(await cli('loginfo', '--format', 'json'))) as { ActiveTreeSize: number; TotalTreeSize: number; TreeID: string };
    expect(info).toMatchObject({ ActiveTreeSize: fresh.length, TotalTreeSize: entries.length, TreeID: log.treeId.toString() });
    expect(log.treeId).not.toBe(first);
    // What rekor-cli asked for the frozen shard: its key, and a proof from the head it stored (3) to its final size (4).
    expect(requested).toContain(`/api/v1/log/publicKey?treeID=${first}`);
    expect(requested).toContain(`/api/v1/log/proof?firstSize=3&lastSize=4&treeID=${first}`);
  }, STEP_TIMEOUT_MS);
});
