import { type DocumentStore, createFileDocumentStore } from './document-store.js';
import { MonitorError } from './error.js';
import type { VerifiedHead } from './judge.js';
import { type TreeState, type TreeStateJson, treeStateFromJson, treeStateToJson } from './tree-state.js';

/** Everything the monitor keeps about one log: its last verified head and the tree's right edge at that size. */
export interface MonitorState {
  /** The log's URL as configured: a state is never applied to another log. */
  readonly source: string;
  readonly origin: string;
  readonly head: VerifiedHead;
  readonly tree: TreeState;
}

/** Where the state lives: a file (`--state`) or a database row (`--database-url`). */
export interface StateStore {
  load(): Promise<MonitorState | undefined>;
  /** Replaces the state atomically: after a crash either the old or the new state is read, never a mix. */
  save(state: MonitorState): Promise<void>;
}

interface StateJson {
  version: 1;
  source: string;
  origin: string;
  signed: string;
  tree: TreeStateJson;
}

export function stateToJson(state: MonitorState): string {
  const json: StateJson = { version: 1, source: state.source, origin: state.origin, signed: state.head.signed, tree: treeStateToJson(state.tree) };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Parses a stored state and checks it belongs to `source`. */
export function stateFromJson(text: string, source: string): MonitorState {
  let json: StateJson;
  try {
    json = JSON.parse(text) as StateJson;
  } catch (cause) {
    throw new MonitorError('INVALID_STATE', 'monitor state is not JSON', { cause });
  }
  if (json.version !== 1 || typeof json.signed !== 'string') throw new MonitorError('INVALID_STATE', 'monitor state has an unknown version');
  if (json.source !== source) throw new MonitorError('INVALID_STATE', `monitor state is for ${json.source}, not ${source}: use another state file`);
  const tree = treeStateFromJson(json.tree);
  return { source, origin: json.origin, head: { size: tree.size, rootHash: tree.rootHash, signed: json.signed }, tree };
}

/** The state kept in a document store (a file or a database row). */
export function createStateStore(documents: DocumentStore, source: string): StateStore {
  return {
    async load() {
      const text = await documents.read();
      return text === undefined ? undefined : stateFromJson(text, source);
    },
    save: (state) => documents.write(stateToJson(state)),
  };
}

/** The state in one JSON file. */
export function createFileStateStore(file: string, source: string): StateStore {
  return createStateStore(createFileDocumentStore(file), source);
}
