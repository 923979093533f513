import fs from 'node:fs/promises';
import path from 'node:path';
import { type Signer, createKeySigner } from '@sigbox/core';
import { Pkcs11Error, openPkcs11Signer } from '@sigbox/pkcs11';
import { type CaSubject, createIntermediateCsr } from '@sigbox/x509';
import { CeremonyError } from './error.js';
import { DEFAULT_CA_KEY_ALGORITHM, type CaKeyAlgorithm, generateCaKey, readKeyFile, writeKeyFile } from './file-keys.js';
import { readOptional, replaceFile } from './files.js';
import { type HsmLogin, generateHsmSigner, readHsmConfig, writeHsmConfig } from './hsm-keys.js';
import { CA_DIR_MODE, CERT_FILE_MODE, type CaPaths, caPaths } from './layout.js';

/** Where the intermediate key of the CSR flow lives; it is generated when absent, reused when present. */
export type CsrKeyOptions =
  | { readonly kind: 'file'; readonly passphrase?: string | undefined }
  | ({ readonly kind: 'hsm'; readonly intermediateKeyLabel: string } & HsmLogin);

export interface CreateCaCsrOptions {
  readonly dir: string;
  /** The subject asked for; the external root decides what it grants. */
  readonly subject: CaSubject;
  readonly keys: CsrKeyOptions;
  /** For a newly generated key only. */
  readonly algorithm?: CaKeyAlgorithm;
}

export interface CaCsr {
  readonly csrPem: string;
  readonly paths: CaPaths;
}

type Held = { signer: Signer; close(): Promise<void> };

async function fileKey(paths: CaPaths, passphrase: string | undefined, algorithm: CaKeyAlgorithm): Promise<Held> {
  if (await readHsmConfig(paths.hsmConfig)) throw new CeremonyError('INVALID_OPTIONS', `${paths.hsmConfig} exists: this CA keeps its key in an HSM`);
  let key = await readKeyFile(paths.intermediateKey, passphrase);
  if (!key) {
    key = generateCaKey(algorithm);
    await writeKeyFile(paths.intermediateKey, key, passphrase); // exclusive create: a concurrent run fails, never overwrites
  }
  return { signer: createKeySigner(key), close: () => Promise.resolve() };
}

async function hsmKey(paths: CaPaths, keys: Extract<CsrKeyOptions, { kind: 'hsm' }>, algorithm: CaKeyAlgorithm): Promise<Held> {
  if ((await readOptional(paths.intermediateKey)) !== undefined) throw new CeremonyError('INVALID_OPTIONS', `${paths.intermediateKey} exists: this CA keeps its key in a file`);
  const { module, tokenLabel, intermediateKeyLabel } = keys;
  const recorded = await readHsmConfig(paths.hsmConfig);
  if (recorded && (recorded.module !== module || recorded.tokenLabel !== tokenLabel || recorded.intermediateKeyLabel !== intermediateKeyLabel)) {
    throw new CeremonyError('INVALID_OPTIONS', `${paths.hsmConfig} names another module, token or key label`);
  }
  const login = { module, tokenLabel, pin: keys.pin };
  let signer;
  try {
    signer = await openPkcs11Signer({ ...login, keyLabel: intermediateKeyLabel });
  } catch (err) {
    if (!(err instanceof Pkcs11Error && err.code === 'KEY_NOT_FOUND')) throw err;
    signer = await generateHsmSigner(login, intermediateKeyLabel, algorithm);
  }
  if (!recorded) await writeHsmConfig(paths.hsmConfig, { module, tokenLabel, intermediateKeyLabel }).catch(async (err: unknown) => {
    await signer.close();
    throw err;
  });
  return { signer, close: () => signer.close() };
}

/**
 * First half of the external-root flow: a PKCS#10 request (x509 createIntermediateCsr: asks for KU keyCertSign +
 * cRLSign, EKU codeSigning, CA:TRUE pathlen 0) for the intermediate key in `dir` — a key file or an HSM key,
 * generated when absent and reused on a rerun. Writes intermediate.csr.pem; send it to the root's operator and
 * finish with {@link importIntermediate}. Refused (CA_EXISTS) once the directory holds a complete CA.
 */
export async function createCaCsr(options: CreateCaCsrOptions): Promise<CaCsr> {
  const paths = caPaths(options.dir);
  if ((await readOptional(paths.chain)) !== undefined) throw new CeremonyError('CA_EXISTS', `${paths.chain} exists: the CA is already complete`);
  await fs.mkdir(path.dirname(paths.chain), { recursive: true, mode: CA_DIR_MODE });
  const algorithm = options.algorithm ?? DEFAULT_CA_KEY_ALGORITHM;
  const held = options.keys.kind === 'file' ? await fileKey(paths, options.keys.passphrase, algorithm) : await hsmKey(paths, options.keys, algorithm);
  try {
    const csrPem = await createIntermediateCsr({ subject: options.subject, signer: held.signer });
    await replaceFile(paths.intermediateCsr, csrPem, CERT_FILE_MODE);
    return { csrPem, paths };
  } finally {
    await held.close();
  }
}
