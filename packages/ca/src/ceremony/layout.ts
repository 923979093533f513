import path from 'node:path';

/**
 * The CA directory, documented once. `sigbox ca init` writes all of it; `sigbox ca csr` + `sigbox ca import`
 * write it in two steps; `sigbox up` (through loadCa) reads only `chain.pem` and the intermediate key.
 *
 * ```
 * DIR/                      mode 0700
 *   chain.pem               issuing intermediate first, then root: fulcio's --fileca-cert order (pkg/ca/common.go
 *                           VerifyCertChain at v1.8.8: the first certificate signs, the last is the root).
 *                           Written last: its presence means the CA is complete.
 *   root.crt.pem            the root certificate (what goes into trusted_root.json)
 *   intermediate.crt.pem    the issuing intermediate certificate
 *   intermediate.csr.pem    only in the CSR flow: the request sent to the external root
 *   file keys (mode 0600, PKCS#8 PEM, `ENCRYPTED PRIVATE KEY` when a passphrase was given):
 *     root.key.pem          only after `ca init`; nothing reads it again: move it offline
 *     intermediate.key.pem  the key that signs every leaf certificate
 *   HSM keys:
 *     hsm.json              { module, tokenLabel, rootKeyLabel?, intermediateKeyLabel } — never the PIN
 * ```
 */
export const CA_FILES = {
  chain: 'chain.pem',
  rootCert: 'root.crt.pem',
  intermediateCert: 'intermediate.crt.pem',
  intermediateCsr: 'intermediate.csr.pem',
  rootKey: 'root.key.pem',
  intermediateKey: 'intermediate.key.pem',
  hsmConfig: 'hsm.json',
} as const;

export type CaFile = keyof typeof CA_FILES;
export type CaPaths = { readonly [K in CaFile]: string };

/** Owner-only: the folder holds private keys (or at least names the HSM keys). */
export const CA_DIR_MODE = 0o700;
export const KEY_FILE_MODE = 0o600;
export const CERT_FILE_MODE = 0o644;

/** Absolute paths of every file of the CA directory `dir`, present or not. */
export function caPaths(dir: string): CaPaths {
  const abs = path.resolve(dir);
  const entries = Object.entries(CA_FILES).map(([name, file]) => [name, path.join(abs, file)]);
  return Object.freeze(Object.fromEntries(entries)) as CaPaths;
}

/** What `hsm.json` holds: enough to find the keys again, nothing secret (the PIN comes at load time). */
export interface HsmConfig {
  /** Path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  readonly tokenLabel: string;
  /** Absent in the CSR flow: the root lives elsewhere. */
  readonly rootKeyLabel?: string;
  readonly intermediateKeyLabel: string;
}
