import path from 'node:path';
import type { KeyAlgorithm } from '@sigbox/core';
import { KeyringError } from './error.js';

/**
 * The keyring: one folder (mode 0700) made by `sigbox init`, read by `sigbox up --keys DIR`, grown by
 * `sigbox rotate`. keyring.json lists every key by name and role with its public half; the private halves are
 * encrypted PKCS#8 files beside it or key pairs in one PKCS#11 token, never in clear outside `--dev`.
 *
 * ```
 * DIR/keyring.json          this index (public: names, roles, public keys, the token's label — never a PIN)
 * DIR/<name>.key.pem        a file key: PKCS#8 `ENCRYPTED PRIVATE KEY`, mode 0600
 * DIR/<name>/               a CA made by the CA ceremony (packages/ca layout: chain.pem, keys or hsm.json)
 * DIR/tuf/<n>.root.json     the TUF roots the ceremony signed; 1.root.json is what clients are first given
 * ```
 */
export const KEYRING_FILE = 'keyring.json';
export const KEYRING_MEDIA_TYPE = 'application/vnd.sigbox.keyring+json;version=1';
export const TUF_ROOTS_DIR = 'tuf';

/**
 * What a key signs. `ca` is a whole CA (root and issuing intermediate); the log roles sign checkpoints and
 * SETs/SCTs (`rekor-v2`: the Ed25519 checkpoint key of the Rekor v2 tree); the TUF roles sign the repository's
 * metadata (root and targets offline, snapshot and timestamp online).
 */
export const KEY_ROLES = ['ca', 'rekor', 'rekor-v2', 'ct', 'tsa', 'tuf-root', 'tuf-targets', 'tuf-snapshot', 'tuf-timestamp'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** Where a key's private half lives. */
export type KeyCustody =
  | { readonly custody: 'file'; readonly file: string }
  | { readonly custody: 'hsm'; readonly label: string }
  | { readonly custody: 'ca-dir'; readonly dir: string };

export type KeyEntry = KeyCustody & {
  /** Unique in the keyring, e.g. `rekor-2`; HSM labels and file names derive from it. */
  readonly name: string;
  readonly role: KeyRole;
  /** The signing key's algorithm (a CA's: its intermediate's). */
  readonly algorithm: KeyAlgorithm;
  /** SPKI PEM of the signing key (a CA's: its intermediate's). */
  readonly publicKey: string;
  /** RFC 3339. */
  readonly createdAt: string;
};

/** The token every `hsm` key of the keyring lives in. */
export interface KeyringHsm {
  /** Path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  readonly tokenLabel: string;
}

export interface KeyringDocument {
  readonly mediaType: typeof KEYRING_MEDIA_TYPE;
  readonly hsm?: KeyringHsm;
  readonly keys: readonly KeyEntry[];
}

const ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519', 'rsa'];
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** A key name is a file name and an HSM label: no separators, no leading dot. */
const NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkKeyName(name: string): void {
  if (!NAME_RE.test(name)) throw new KeyringError('INVALID_OPTIONS', `key name ${JSON.stringify(name)} must match ${NAME_RE.source}`);
}

function entryOf(value: unknown, file: string): KeyEntry {
  const v = (value ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new KeyringError('INVALID_KEYRING', `${file}: key ${JSON.stringify(v.name ?? '?')}: ${what}`);
  if (!isText(v.name) || !NAME_RE.test(v.name)) throw bad('name missing or not a key name');
  if (!KEY_ROLES.includes(v.role as KeyRole)) throw bad(`role must be one of ${KEY_ROLES.join(', ')}`);
  if (!ALGORITHMS.includes(v.algorithm as KeyAlgorithm)) throw bad('unknown algorithm');
  if (!isText(v.publicKey) || !v.publicKey.includes('PUBLIC KEY')) throw bad('publicKey must be a PEM public key');
  if (!isText(v.createdAt) || Number.isNaN(Date.parse(v.createdAt))) throw bad('createdAt must be an RFC 3339 time');
  const common = { name: v.name, role: v.role as KeyRole, algorithm: v.algorithm as KeyAlgorithm, publicKey: v.publicKey, createdAt: v.createdAt };
  if (v.custody === 'file' && isText(v.file) && path.basename(v.file) === v.file) return { ...common, custody: 'file', file: v.file };
  if (v.custody === 'hsm' && isText(v.label)) return { ...common, custody: 'hsm', label: v.label };
  if (v.custody === 'ca-dir' && isText(v.dir)) return { ...common, custody: 'ca-dir', dir: v.dir };
  throw bad('custody must be file (with a file name in the keyring), hsm (with a label) or ca-dir (with a dir)');
}

/** Parses and checks keyring.json; `file` names it in errors. */
export function parseKeyring(text: string, file: string): KeyringDocument {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new KeyringError('INVALID_KEYRING', `${file} is not JSON`, { cause });
  }
  if (value.mediaType !== KEYRING_MEDIA_TYPE) throw new KeyringError('INVALID_KEYRING', `${file}: mediaType must be ${KEYRING_MEDIA_TYPE}`);
  if (!Array.isArray(value.keys)) throw new KeyringError('INVALID_KEYRING', `${file}: keys must be a list`);
  const keys = value.keys.map((k) => entryOf(k, file));
  const names = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) throw new KeyringError('INVALID_KEYRING', `${file}: two keys are named ${key.name}`);
    names.add(key.name);
  }
  const hsm = value.hsm as Record<string, unknown> | undefined;
  if (hsm !== undefined && (!isText(hsm.module) || !isText(hsm.tokenLabel))) throw new KeyringError('INVALID_KEYRING', `${file}: hsm needs module and tokenLabel`);
  if (hsm === undefined && keys.some((k) => k.custody === 'hsm')) throw new KeyringError('INVALID_KEYRING', `${file}: hsm keys without an hsm token`);
  return { mediaType: KEYRING_MEDIA_TYPE, ...(hsm ? { hsm: { module: hsm.module as string, tokenLabel: hsm.tokenLabel as string } } : {}), keys };
}

/** keyring.json as written: stable field order, two-space indent, a final newline. */
export function serializeKeyring(doc: KeyringDocument): string {
  return `${JSON.stringify({ mediaType: doc.mediaType, ...(doc.hsm ? { hsm: doc.hsm } : {}), keys: doc.keys }, null, 2)}\n`;
}
