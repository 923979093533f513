import { encoding, generatePrivateKey } from '@sigbox/core';
import { type LogTree, openLogTree } from '@sigbox/log';
import { createNoteVerifier, formatVerifierKey, openCheckpoint, parseCheckpoint, parseCosignatureVerifierKey } from '@sigbox/merkle';
import { type Litewitness, type TestDatabase, createTestDatabase, databaseEngines, litewitnessTools, startLitewitness } from '@sigbox/testkit';
import { parseWitnessPolicy } from '@sigbox/witness';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { type CheckpointSource, type CheckpointWitnessingService, createCheckpointWitnessing } from './checkpoint-witnessing.js';
import { createWitnessMetrics } from './witness-metrics.js';

// The witnessing loop on a real tree (packages/log on PGlite and PostgreSQL) against two real litewitness processes.
const tools = litewitnessTools();

async function metric(registry: Registry, name: string): Promise<Array<{ labels: Partial<Record<string, string | number>>; value: number }>> {
  const found = registry.getSingleMetric(name);
  return found ? (await found.get()).values : [];
}

async function count(registry: Registry, witness: string, result: string): Promise<number> {
  return (await metric(registry, 'sigbox_witness_cosignatures_total')).find((v) => v.labels.witness === witness && v.labels.result === result)?.value ?? 0;
}

describe.skipIf(tools === undefined).each(databaseEngines())('checkpoint witnessing with litewitness on %s', (engine) => {
  let db: TestDatabase;
  let w1: Litewitness;
  let w2: Litewitness;
  const opened: Array<{ tree: LogTree; witnessing: CheckpointWitnessingService }> = [];
  const extra: CheckpointWitnessingService[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    [w1, w2] = await Promise.all([startLitewitness(tools!, { name: 'w1.sigbox.test/witness' }), startLitewitness(tools!, { name: 'w2.sigbox.test/witness' })]);
  });
  afterAll(async () => {
    for (const w of extra) await w.close();
    for (const { tree, witnessing } of opened) {
      await witnessing.close();
      await tree.close();
    }
    await w1?.close();
    await w2?.close();
    await db?.close();
  });

  /** A v2-style tree (Ed25519 key named by the origin) registered with the witnesses, and its witnessing. */
  async function witnessedTree(name: string, options: { register?: 'right-key' | 'other-key'; quorum?: string; source?: (tree: LogTree) => CheckpointSource; waitMs?: number } = {}) {
    const origin = `sigbox.test/${name}-${engine}`;
    const privateKey = generatePrivateKey('ed25519');
    const register = options.register === 'other-key' ? generatePrivateKey('ed25519') : privateKey;
    for (const w of [w1, w2]) await w.addLog(origin, formatVerifierKey(origin, register));
    const policy = parseWitnessPolicy(`witness w1 ${w1.vkey} ${w1.url}\nwitness w2 ${w2.vkey} ${w2.url}\ngroup both all w1 w2\nquorum ${options.quorum ?? 'both'}\n`);
    const registry = new Registry();
    const metrics = createWitnessMetrics(registry);
    const log = captureLogger();
    let witnessing: CheckpointWitnessingService | undefined;
    const tree = await openLogTree(db, {
      name,
      origin: () => origin,
      signers: [{ name: origin, privateKey }],
      batchMaxAgeMs: 2,
      onIntegrated: () => witnessing?.checkpointIntegrated(),
    });
    const open = (source: CheckpointSource = options.source?.(tree) ?? tree) =>
      createCheckpointWitnessing({ database: db, treeId: tree.treeId, source, policy, logger: log.logger, metrics, timeoutMs: 2_000, pollMs: 0, ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }) });
    witnessing = open();
    opened.push({ tree, witnessing });
    const verifiers = [createNoteVerifier(origin, privateKey), parseCosignatureVerifierKey(w1.vkey), parseCosignatureVerifierKey(w2.vkey)];
    return { tree, witnessing, registry, log, origin, verifiers, open };
  }

  const add = (tree: LogTree, n: number) => Promise.all(Array.from({ length: n }, (_, i) => tree.add({ data: encoding.utf8(`${tree.origin} ${Date.now()} ${i} ${Math.random()}`) })));

  it('sends each new checkpoint to every witness; their cosignatures verify with their vkeys and are stored for every process', async () => {
    const { tree, witnessing, registry, verifiers, open } = await witnessedTree('cosigned');
    const added = await add(tree, 5);
    const size = added.reduce((m, a) => (a.checkpoint.size > m ? a.checkpoint.size : m), 0n);
    const note = await witnessing.cosigned(size);
    expect(note).toBeDefined();
    const opened_ = openCheckpoint(note!, verifiers);
    expect(opened_.size).toBeGreaterThanOrEqual(size);
    expect(opened_.verifiedBy.map((v) => v.name)).toEqual([tree.origin, w1.name, w2.name]);
    // The log's own line stays first: clients that read only it see the checkpoint they always did.
    expect(parseCheckpoint(note!).note.signatures[0]?.name).toBe(tree.origin);
    await witnessing.settled();
    expect(await metric(registry, 'sigbox_witness_quorum_met')).toMatchObject([{ value: 1 }]);
    expect(await count(registry, 'w1', 'cosigned')).toBeGreaterThanOrEqual(1);
    expect((await metric(registry, 'sigbox_witness_cosigned_size')).map((v) => v.labels.witness).sort()).toEqual(['w1', 'w2']);

    // Another process on the database reads what this one gathered, without asking the witnesses.
    const other = open();
    extra.push(other);
    await other.settled();
    const seen = await other.latest();
    expect(seen && openCheckpoint(seen, verifiers).verifiedBy).toHaveLength(3);

    // Rounds coalesce: a burst of checkpoints is witnessed up to the newest, each witness answering far fewer times.
    const before = await count(registry, 'w1', 'cosigned');
    for (let i = 0; i < 10; i++) await add(tree, 1);
    const latestSize = (await tree.latest()).size;
    const last = await witnessing.cosigned(latestSize);
    expect(last && openCheckpoint(last, verifiers).size).toBe(latestSize);
    await witnessing.settled();
    expect((await count(registry, 'w1', 'cosigned')) - before).toBeLessThanOrEqual(10);
  });

  it('goes on while a witness is down, shows the shortfall, and catches the witness up when it returns', async () => {
    const { tree, witnessing, registry, log, verifiers, open } = await witnessedTree('outage');
    await add(tree, 3);
    await witnessing.cosigned((await tree.latest()).size);
    await witnessing.settled();

    await w2.stop();
    try {
      const started = Date.now();
      const added = await add(tree, 4); // the log does not wait for witnesses
      expect(Date.now() - started).toBeLessThan(1_500);
      const size = (await tree.latest()).size;
      const note = await witnessing.cosigned(size);
      await witnessing.settled();
      expect(note && openCheckpoint(note, verifiers).verifiedBy.map((v) => v.name)).toEqual([tree.origin, w1.name]);
      expect(added.every((a) => a.checkpoint.size > 3n)).toBe(true);
      expect(await count(registry, 'w2', 'unreachable')).toBeGreaterThanOrEqual(1);
      expect(await metric(registry, 'sigbox_witness_quorum_met')).toMatchObject([{ value: 0 }]);
      const warning = log.lines().find((l) => l.msg === 'witness did not cosign the checkpoint' && l.witness === 'w2');
      expect(warning).toMatchObject({ level: 40, result: 'unreachable', url: w2.url });
    } finally {
      await w2.start();
    }

    // Back up: the next checkpoint reaches it with a proof from the size it last cosigned.
    await add(tree, 2);
    const size = (await tree.latest()).size;
    await witnessing.settled();
    const back = await witnessing.cosigned(size);
    expect(back && openCheckpoint(back, verifiers).verifiedBy).toHaveLength(3);
    expect(await metric(registry, 'sigbox_witness_quorum_met')).toMatchObject([{ value: 1 }]);
    expect(log.lines().some((l) => l.msg === 'witness cosigns again' && l.witness === 'w2')).toBe(true);

    // A process that starts afresh believes every witness at 0: the 409 gives the size, the retry succeeds.
    await add(tree, 1);
    const restarted = open();
    extra.push(restarted);
    await restarted.settled();
    expect(await count(registry, 'w1', 'conflict')).toBeGreaterThanOrEqual(1);
    const after = await restarted.latest();
    expect(after && openCheckpoint(after, verifiers)).toMatchObject({ size: (await tree.latest()).size });
  });

  it('answers at once, with no cosigned note, when every witness is down (fail-open, not a wait per entry)', async () => {
    // A wait far beyond the test's own timeout: only the round's end can answer in time.
    const { tree, witnessing } = await witnessedTree('all-down', { quorum: 'w1', waitMs: 600_000 });
    await add(tree, 2);
    await witnessing.cosigned((await tree.latest()).size);
    await witnessing.settled();
    await Promise.all([w1.stop(), w2.stop()]);
    try {
      await add(tree, 1);
      const started = Date.now();
      expect(await witnessing.cosigned((await tree.latest()).size)).toBeUndefined();
      // Not a speed bound: the difference between the end of a round and the 600 s wait.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await Promise.all([w1.start(), w2.start()]);
    }
  }, 60_000);

  it('stores nothing a witness refused: another log key (403) and a tampered consistency proof (422)', async () => {
    const wrongKey = await witnessedTree('wrong-key', { register: 'other-key' });
    await add(wrongKey.tree, 2);
    await wrongKey.witnessing.settled();
    expect(await wrongKey.witnessing.cosigned((await wrongKey.tree.latest()).size)).toBeUndefined();
    expect(await count(wrongKey.registry, 'w1', 'signature_refused')).toBeGreaterThanOrEqual(1);
    expect(await wrongKey.witnessing.latest()).toBeUndefined();

    const honest = await witnessedTree('tampered');
    await add(honest.tree, 3);
    await honest.witnessing.cosigned((await honest.tree.latest()).size);
    await honest.witnessing.close();
    const witnessedSize = (await honest.tree.latest()).size;
    // A process whose proofs are corrupted: the witnesses check the proof and refuse.
    const tamper = (tree: LogTree): CheckpointSource => ({
      latest: () => tree.latest(),
      async consistencyProof(a, b) {
        const proof = await tree.consistencyProof(a, b);
        const first = Uint8Array.from(proof[0] ?? new Uint8Array(32));
        first[0] = (first[0] ?? 0) ^ 1;
        return [first, ...proof.slice(1)];
      },
    });
    const liar = honest.open(tamper(honest.tree));
    extra.push(liar);
    await add(honest.tree, 3);
    liar.checkpointIntegrated();
    await liar.settled();
    const size = (await honest.tree.latest()).size;
    expect(await count(honest.registry, 'w1', 'inconsistent')).toBeGreaterThanOrEqual(1);
    expect(await count(honest.registry, 'w2', 'inconsistent')).toBeGreaterThanOrEqual(1);
    expect(await liar.cosigned(size)).toBeUndefined();
    const stored = await liar.latest();
    expect(stored && parseCheckpoint(stored).size).toBe(witnessedSize);
  });
});
