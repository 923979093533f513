import { bytesEqual } from '@sigbox/core';
import { hashLeaf, isValidConsistency, rootFromTiles } from '@sigbox/merkle';
import type { MonitorAlert } from './alert.js';
import { MonitorError } from './error.js';
import { badInclusionAlert, badSignatureAlert, forkAlert, judgeHead } from './judge.js';
import type { LogEntry } from './log-entry.js';
import type { LogReader } from './log-reader.js';
import type { MonitorState, StateStore } from './state-store.js';
import type { TreeHead, TreeHeadVerifier } from './tree-head.js';
import { EMPTY_TREE, appendLeaves } from './tree-state.js';

/** What the follower reports while it works: metrics and the progress line hang here. */
export interface FollowObserver {
  headVerified?(head: TreeHead, lag: bigint): void;
  entriesChecked?(count: number, done: bigint, total: bigint): void;
}

export interface FollowDeps {
  readonly reader: LogReader;
  readonly verify: TreeHeadVerifier;
  readonly store: StateStore;
  /** Alerts for one entry (the identity watch); raised only once the entry is proven in a signed tree. */
  readonly checkEntry?: (entry: LogEntry) => MonitorAlert[];
  /** Persists alerts (outbox, log line, metrics) before the state moves past them. */
  readonly raise: (alerts: readonly MonitorAlert[]) => Promise<void>;
  readonly observer?: FollowObserver;
  /**
   * With no state yet, start at the log's current head instead of its first entry: the head's signature is
   * verified and the right edge read from the log's tiles must rebuild its root, but earlier entries are neither
   * read nor watched (trust on first use of that head). Needs a reader with `edge` (tlog-tiles).
   */
  readonly startAtHead?: boolean;
}

export interface FollowResult {
  /** The size of the last verified tree after this round. */
  readonly size: bigint;
  /** Entries proven and checked in this round. */
  readonly checked: bigint;
  /** Whether the log's current head verified and the state is at it (false after a log alert: rollback, fork …). */
  readonly verified: boolean;
  readonly alerts: readonly MonitorAlert[];
}

/**
 * One round: read the log's head, verify its signature, compare it with the last verified head, check the log's
 * consistency proof, read every new entry, rebuild the root from them on top of the stored right edge, and only
 * when that root equals the signed one raise the entries' alerts and save the new head. Any failure leaves the
 * state where it was: the monitor never moves past a head it has not verified. Network failures throw.
 */
export async function followOnce(deps: FollowDeps): Promise<FollowResult> {
  const state = await deps.store.load();
  const served = await deps.reader.treeHead();
  let head: TreeHead;
  try {
    head = deps.verify(served);
  } catch (error) {
    return alerted(deps, state, [badSignatureAlert(deps.reader.url, served, error)]);
  }
  if (state === undefined || head.origin === state.origin) return advance(deps, state, head);
  // Another tree: Rekor v1 opens a new shard (new tree ID, new origin) on a key rotation. Comparing sizes across
  // trees would raise a false rollback or fork. As rekor-monitor (pkg/rekor/v2/verifier.go RunConsistencyCheck), the
  // old tree is first followed to its final signed head, then the new one from its first entry.
  const previous = await deps.reader.previousTree?.(state.origin);
  if (previous === undefined) {
    throw new MonitorError('INVALID_STATE', `${deps.reader.url} now signs tree heads for origin ${JSON.stringify(head.origin)}, not ${JSON.stringify(state.origin)}, and serves no final head of that tree: give a new state to follow the new tree from its start`);
  }
  let final: TreeHead;
  try {
    final = deps.verify(previous.served);
  } catch (error) {
    return alerted(deps, state, [badSignatureAlert(deps.reader.url, previous.served, error)]);
  }
  if (final.origin !== state.origin) throw new MonitorError('INVALID_RESPONSE', `${deps.reader.url}: the final head of ${state.origin} names origin ${final.origin}`);
  const finished = await advance({ ...deps, reader: previous.reader }, state, final);
  if (!finished.verified) return finished;
  const started = await advance(deps, undefined, head);
  return { ...started, checked: finished.checked + started.checked, alerts: [...finished.alerts, ...started.alerts] };
}

/** From a verified head on: judge it against the state, prove it, read and check its new entries, save it. */
async function advance(deps: FollowDeps, state: MonitorState | undefined, head: TreeHead): Promise<FollowResult> {
  const { reader, store } = deps;
  const source = reader.url;
  if (state === undefined && deps.startAtHead && head.size > 0n) return startAt(deps, head);
  const verdict = judgeHead(source, state?.head, head);
  deps.observer?.headVerified?.(head, head.size - (state?.head.size ?? 0n));
  if (verdict.action === 'alert') return alerted(deps, state, [verdict.alert]);
  if (verdict.action === 'unchanged') return { size: state?.head.size ?? 0n, checked: 0n, verified: true, alerts: [] };

  if (state !== undefined && state.head.size > 0n) {
    const proof = await reader.consistencyProof(state.head.size, head);
    if (!isValidConsistency(state.head.size, head.size, proof, state.head.rootHash, head.rootHash)) {
      return alerted(deps, state, [forkAlert(source, state.head, head, 'consistency proof does not verify')]);
    }
  }
  let tree = state?.tree ?? EMPTY_TREE;
  const held = new HeldAlerts(source, verdict.from, head.size);
  let expected = verdict.from;
  for await (const batch of reader.entries(verdict.from, head)) {
    const hashes: Uint8Array[] = [];
    for (const entry of batch) {
      // A reader that skips or repeats entries would make the rebuilt root wrong anyway; say where it went wrong.
      if (entry.index !== expected) return alerted(deps, state, [badInclusionAlert(source, head, tree.rootHash, verdict.from)]);
      expected++;
      hashes.push(hashLeaf(entry.leaf));
      if (deps.checkEntry) held.add(deps.checkEntry(entry));
    }
    tree = appendLeaves(tree, hashes);
    deps.observer?.entriesChecked?.(batch.length, tree.size - verdict.from, verdict.to - verdict.from);
  }
  if (tree.size !== head.size || !bytesEqual(tree.rootHash, head.rootHash)) {
    return alerted(deps, state, [badInclusionAlert(source, head, tree.rootHash, verdict.from)]);
  }
  const entryAlerts = held.release();
  await deps.raise(entryAlerts);
  const next: MonitorState = { source, origin: head.origin, head: { size: head.size, rootHash: head.rootHash, signed: head.signed }, tree };
  await store.save(next);
  return { size: head.size, checked: head.size - verdict.from, verified: true, alerts: entryAlerts };
}

/** Entry alerts held until the round's root is proven, at most this many one by one (then counted per rule). */
export const MAX_HELD_ENTRY_ALERTS = 10_000;

/**
 * The entry alerts of a round, held until its entries are proven. A long catch-up under a rule that matches a busy
 * identity could hold millions: past MAX_HELD_ENTRY_ALERTS they are counted per rule and kind and raised as one
 * summary alert each, with the first and last index.
 */
class HeldAlerts {
  readonly #alerts: MonitorAlert[] = [];
  readonly #overflow = new Map<string, { rule: string; count: number; first: string; last: string }>();

  constructor(
    private readonly source: string,
    private readonly from: bigint,
    private readonly to: bigint,
  ) {}

  add(alerts: readonly MonitorAlert[]): void {
    for (const alert of alerts) {
      if (this.#alerts.length < MAX_HELD_ENTRY_ALERTS) {
        this.#alerts.push(alert);
        continue;
      }
      const index = String(alert.details.index ?? '?');
      const key = `${alert.rule}\n${alert.kind}`;
      const seen = this.#overflow.get(key);
      if (seen) Object.assign(seen, { count: seen.count + 1, last: index });
      else this.#overflow.set(key, { rule: alert.rule, count: 1, first: index, last: index });
    }
  }

  release(): MonitorAlert[] {
    const summaries = [...this.#overflow.entries()].map(([key, o]): MonitorAlert => ({
      id: `identity-overflow:${this.source}:${this.from}:${this.to}:${key.replace('\n', ':')}`,
      kind: 'identity',
      rule: o.rule,
      source: this.source,
      message: `${o.count} more alerts of rule ${o.rule} in entries ${o.first}..${o.last} of ${this.source} (over ${MAX_HELD_ENTRY_ALERTS} in one round)`,
      details: { count: o.count, first: o.first, last: o.last },
    }));
    return [...this.#alerts, ...summaries];
  }
}

async function startAt(deps: FollowDeps, head: TreeHead): Promise<FollowResult> {
  if (deps.reader.edge === undefined) throw new MonitorError('INVALID_STATE', `${deps.reader.url}: starting at the current head needs a log that serves tiles`);
  const edge = await deps.reader.edge(head);
  const byId = new Map(edge.map((t) => [`${t.level}/${t.index}`, t]));
  let rebuilt: Uint8Array;
  try {
    rebuilt = rootFromTiles(head.size, (level, index) => byId.get(`${level}/${index}`));
  } catch {
    rebuilt = new Uint8Array(32);
  }
  if (!bytesEqual(rebuilt, head.rootHash)) return alerted(deps, undefined, [badInclusionAlert(deps.reader.url, head, rebuilt, head.size)]);
  const tree = { size: head.size, rootHash: head.rootHash, edge };
  await deps.store.save({ source: deps.reader.url, origin: head.origin, head: { size: head.size, rootHash: head.rootHash, signed: head.signed }, tree });
  return { size: head.size, checked: 0n, verified: true, alerts: [] };
}

async function alerted(deps: FollowDeps, state: MonitorState | undefined, alerts: MonitorAlert[]): Promise<FollowResult> {
  await deps.raise(alerts);
  return { size: state?.head.size ?? 0n, checked: 0n, verified: false, alerts };
}
