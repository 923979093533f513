import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Pkcs11js from 'pkcs11js';
import { Pkcs11Error, ckrName, tokenError } from './error.js';

export type Binding = typeof Pkcs11js;
export type Api = Pkcs11js.PKCS11;
export type Handle = Buffer;

/** One loaded PKCS#11 library, shared by every signer in the process that uses it. */
export interface Pkcs11Module {
  readonly pk: Binding;
  readonly api: Api;
  /** SHA-256 of the PIN last accepted per slot: see `login` in token.ts. */
  readonly acceptedPins: Map<string, Buffer>;
  release(): void;
}

interface Entry {
  module: Pkcs11Module;
  refs: number;
}

// Cryptoki state is per process, not per handle: a second C_Initialize answers
// CKR_CRYPTOKI_ALREADY_INITIALIZED and one C_Finalize ends every session (PKCS#11 v2.40 §5.4). So the
// library is initialised once per path and finalised when its last user lets go — process-wide state by
// nature, hence this one module-level registry.
const loaded = new Map<string, Entry>();

/** pkcs11js, loaded on first use so that importing this package never needs the native addon. */
export function loadBinding(): Binding {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Binding;
  } catch (cause) {
    throw new Pkcs11Error('MODULE_LOAD_FAILED', 'the pkcs11js native addon cannot be loaded', { cause });
  }
}

/** Loads and initialises the PKCS#11 library at `library` (or shares the already loaded one). */
export function acquireModule(library: string): Pkcs11Module {
  const key = path.resolve(library);
  const existing = loaded.get(key);
  if (existing) {
    existing.refs += 1;
    return existing.module;
  }
  const pk = loadBinding();
  const api = new pk.PKCS11();
  try {
    api.load(key);
  } catch (cause) {
    throw new Pkcs11Error('MODULE_LOAD_FAILED', `cannot load PKCS#11 library ${key}`, { cause });
  }
  const ownsInit = initialize(api, key);
  const entry: Entry = { refs: 1, module: { pk, api, acceptedPins: new Map(), release: () => release(key, entry, ownsInit) } };
  loaded.set(key, entry);
  return entry.module;
}

/** C_Initialize; false when someone else in the process (another PKCS#11 wrapper) already did it. */
function initialize(api: Api, library: string): boolean {
  try {
    api.C_Initialize();
    return true;
  } catch (cause) {
    if (ckrName(cause) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') return false;
    closeQuietly(api, false);
    throw tokenError('MODULE_LOAD_FAILED', `cannot initialise PKCS#11 library ${library}`, cause);
  }
}

function release(key: string, entry: Entry, ownsInit: boolean): void {
  entry.refs -= 1;
  if (entry.refs > 0 || loaded.get(key) !== entry) return;
  loaded.delete(key);
  closeQuietly(entry.module.api, ownsInit);
}

function closeQuietly(api: Api, finalize: boolean): void {
  try {
    if (finalize) api.C_Finalize();
  } catch {
    // Finalising a library that failed half-way has nothing left to report to.
  }
  try {
    api.close();
  } catch {
    // Already unloaded.
  }
}
