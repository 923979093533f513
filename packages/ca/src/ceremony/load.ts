import path from 'node:path';
import { CoreError, type Signer, createKeySigner, parsePemBlocks } from '@sigbox/core';
import { X509Error, validateCaChain } from '@sigbox/x509';
import { CeremonyError } from './error.js';
import { readKeyFile } from './file-keys.js';
import { readOptional } from './files.js';
import { openHsmSigner, readHsmConfig } from './hsm-keys.js';
import { CA_FILES, type CaPaths, caPaths } from './layout.js';

export interface LoadCaOptions {
  readonly dir: string;
  /** Decrypts an `ENCRYPTED PRIVATE KEY` intermediate key file. */
  readonly passphrase?: string | undefined;
  /** Logs in to the token named by hsm.json. */
  readonly pin?: string | undefined;
  readonly clock?: () => Date;
}

/** A CA ready to issue: the intermediate's signer and the chain `sigbox up` serves. */
export interface LoadedCa {
  /** Signs with the issuing intermediate's key (a key file, or a PKCS#11 session). */
  readonly signer: Signer;
  /** Issuing intermediate first, root last (chain.pem). */
  readonly chainDer: Uint8Array[];
  /** Ends the HSM session (a no-op for file keys); call on shutdown. */
  close(): Promise<void>;
}

/** The CERTIFICATE blocks of a PEM file, in order; INVALID_CA when there are none or the PEM is broken. */
export function parseCertificates(pem: string, file: string): Uint8Array[] {
  let blocks;
  try {
    blocks = parsePemBlocks(pem);
  } catch (cause) {
    if (!(cause instanceof CoreError)) throw cause;
    throw new CeremonyError('INVALID_CA', `${file} is not valid PEM`, { cause });
  }
  const certs = blocks.filter((b) => b.type === 'CERTIFICATE').map((b) => b.der);
  if (certs.length === 0) throw new CeremonyError('INVALID_CA', `${file} holds no CERTIFICATE`);
  return certs;
}

async function openIntermediate(paths: CaPaths, options: LoadCaOptions): Promise<{ signer: Signer; close(): Promise<void> }> {
  const hsm = await readHsmConfig(paths.hsmConfig);
  if (hsm) {
    const signer = await openHsmSigner(hsm, options.pin, hsm.intermediateKeyLabel);
    return { signer, close: () => signer.close() };
  }
  const key = await readKeyFile(paths.intermediateKey, options.passphrase);
  if (!key) throw new CeremonyError('INVALID_CA', `neither ${paths.intermediateKey} nor ${paths.hsmConfig} exists`);
  return { signer: createKeySigner(key), close: () => Promise.resolve() };
}

/** Runs fulcio's start-up checks (validateCaChain) and turns their failure into INVALID_CA. */
function checkChain(chainDer: Uint8Array[], signer: Signer, now: Date, file: string): void {
  try {
    validateCaChain(chainDer, signer.publicKey, now);
  } catch (cause) {
    if (!(cause instanceof X509Error)) throw cause;
    throw new CeremonyError('INVALID_CA', `${file}: ${cause.message}`, { cause });
  }
}

/**
 * Opens the CA in `dir` (layout.ts) for issuing: reads chain.pem, opens the intermediate key from its file or the
 * HSM, and runs fulcio's start-up checks (pkg/ca/common.go VerifyCertChain at v1.8.8: the chain builds to a
 * self-signed root, all valid now, the first certificate is a CA whose key is the signer's, EKUs allow code
 * signing).
 *
 * @throws CeremonyError CA_NOT_FOUND (no chain.pem), PASSPHRASE_REQUIRED, BAD_PASSPHRASE, PIN_REQUIRED, INVALID_CA;
 *   Pkcs11Error from the token (BAD_PIN, TOKEN_NOT_FOUND, KEY_NOT_FOUND, …).
 */
export async function loadCa(options: LoadCaOptions): Promise<LoadedCa> {
  const paths = caPaths(options.dir);
  const chainPem = await readOptional(paths.chain);
  if (chainPem === undefined) {
    const pending = (await readOptional(paths.intermediateCsr)) !== undefined;
    const hint = pending ? 'a CSR is pending: finish with `sigbox ca import`' : 'create one with `sigbox ca init`';
    throw new CeremonyError('CA_NOT_FOUND', `no ${CA_FILES.chain} in ${path.dirname(paths.chain)} (${hint})`);
  }
  const chainDer = parseCertificates(chainPem, paths.chain);
  const intermediate = await openIntermediate(paths, options);
  try {
    checkChain(chainDer, intermediate.signer, (options.clock ?? (() => new Date()))(), paths.chain);
  } catch (err) {
    await intermediate.close();
    throw err;
  }
  return { signer: intermediate.signer, chainDer, close: intermediate.close };
}
