import { toPem } from '@sigbox/core';
import { X509Error, parseCsr, validateCaChain } from '@sigbox/x509';
import { CeremonyError } from './error.js';
import { readOptional, replaceFile, writeNewFile } from './files.js';
import { CERT_FILE_MODE, type CaPaths, caPaths } from './layout.js';
import { parseCertificates } from './load.js';

export interface ImportIntermediateOptions {
  readonly dir: string;
  /** The intermediate certificate the external root issued for intermediate.csr.pem. */
  readonly certPem: string;
  /** The issuer chain above it, root last (usually just the root). */
  readonly rootPem: string;
  readonly clock?: () => Date;
}

const pemOf = (ders: Uint8Array[]) => ders.map((der) => toPem('CERTIFICATE', der)).join('');

/**
 * Second half of the external-root flow: checks the issued intermediate with fulcio's start-up rules
 * (validateCaChain against the key of the pending CSR — no passphrase or PIN needed) and completes the
 * directory: intermediate.crt.pem, root.crt.pem, then chain.pem last (exclusive: never overwritten).
 */
export async function importIntermediate(options: ImportIntermediateOptions): Promise<{ paths: CaPaths; chainDer: Uint8Array[] }> {
  const paths = caPaths(options.dir);
  if ((await readOptional(paths.chain)) !== undefined) throw new CeremonyError('CA_EXISTS', `${paths.chain} exists: the CA is already complete`);
  const csrPem = await readOptional(paths.intermediateCsr);
  if (csrPem === undefined) throw new CeremonyError('CSR_NOT_FOUND', `no ${paths.intermediateCsr}: run \`sigbox ca csr\` first`);
  const intermediate = parseCertificates(options.certPem, 'the intermediate certificate');
  if (intermediate.length !== 1) throw new CeremonyError('INVALID_CA', 'expected exactly one intermediate certificate');
  const issuers = parseCertificates(options.rootPem, 'the root certificate');
  const chainDer = [...intermediate, ...issuers];
  try {
    validateCaChain(chainDer, parseCsr(csrPem).publicKey, (options.clock ?? (() => new Date()))());
  } catch (cause) {
    if (!(cause instanceof X509Error)) throw cause;
    throw new CeremonyError('INVALID_CA', `the imported chain is not usable: ${cause.message}`, { cause });
  }
  await replaceFile(paths.intermediateCert, pemOf(intermediate), CERT_FILE_MODE);
  await replaceFile(paths.rootCert, pemOf(issuers), CERT_FILE_MODE);
  try {
    await writeNewFile(paths.chain, pemOf(chainDer), CERT_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CeremonyError('CA_EXISTS', `${paths.chain} exists: the CA is already complete`, { cause: err });
    throw err;
  }
  return { paths, chainDer };
}
