import path from 'node:path';
import { type CaCertificate, createIntermediateCa, createRootCa, validateCaChain } from '@sigbox/x509';
import { type CaKeyOptions, createCaKeyPair } from './ca-keys.js';
import { CeremonyError } from './error.js';
import { DEFAULT_CA_KEY_ALGORITHM, type CaKeyAlgorithm } from './file-keys.js';
import { assertAbsentOrEmpty, createDirAtomically, writeNewFile } from './files.js';
import { CA_FILES, CERT_FILE_MODE, type CaFile, type CaPaths, caPaths } from './layout.js';

/** Default lifetimes of fulcio's certificate_maker (cmd/certificate_maker at v1.8.8): root 10 years, intermediate 5. */
export const DEFAULT_ROOT_VALIDITY_YEARS = 10;
export const DEFAULT_INTERMEDIATE_VALIDITY_YEARS = 5;
/** Upstream names its intermediate after the root: `CN=sigstore` → `CN=sigstore-intermediate`. */
export const INTERMEDIATE_CN_SUFFIX = '-intermediate';

export interface CaName {
  readonly organization: string;
  readonly commonName: string;
}

export interface InitCaOptions {
  readonly dir: string;
  /** The root's subject; the intermediate gets the same O and CN + `-intermediate`. */
  readonly subject: CaName;
  readonly keys: CaKeyOptions;
  readonly algorithm?: CaKeyAlgorithm;
  readonly rootValidityYears?: number;
  readonly intermediateValidityYears?: number;
  readonly clock?: () => Date;
}

export interface InitializedCa {
  /** Absolute path of the CA directory. */
  readonly dir: string;
  readonly paths: CaPaths;
  /** The layout files written, in `paths` terms (keys or hsm.json, certificates, chain). */
  readonly files: readonly CaFile[];
  readonly root: CaCertificate;
  readonly intermediate: CaCertificate;
  /** Issuing intermediate first, root last: the contents of chain.pem. */
  readonly chainDer: readonly Uint8Array[];
}

function yearsAfter(date: Date, years: number): Date {
  const later = new Date(date);
  later.setUTCFullYear(later.getUTCFullYear() + years);
  return later;
}

function checkOptions(o: InitCaOptions, rootYears: number, intermediateYears: number): void {
  const wholeYears = (n: number) => Number.isInteger(n) && n >= 1;
  if (!wholeYears(rootYears) || !wholeYears(intermediateYears)) throw new CeremonyError('INVALID_OPTIONS', 'validity must be a whole number of years, at least 1');
  // RFC 5280 path validation does not require nesting, but an intermediate outliving its root is dead weight.
  if (intermediateYears > rootYears) throw new CeremonyError('INVALID_OPTIONS', 'the intermediate cannot outlive the root');
  if (o.subject.organization === '' || o.subject.commonName === '') throw new CeremonyError('INVALID_OPTIONS', 'organization and common name must not be empty');
}

/**
 * The CA key ceremony, after fulcio's certificate_maker templates (pkg/certmaker/templates at v1.8.8): a self-signed
 * root (KU keyCertSign + cRLSign, CA:TRUE maxPathLen 1) and an issuing intermediate (same KU, EKU codeSigning,
 * CA:TRUE pathlen 0), keys in files or generated in an HSM. The directory (layout.ts) is built aside and renamed
 * into place, so it is complete or absent; an existing non-empty `dir` is refused with CA_EXISTS. The chain is
 * validated before writing.
 *
 * @example
 * const ca = await initCa({ dir: '/etc/sigbox/ca', subject: { organization: 'example', commonName: 'example' }, keys: { kind: 'file', passphrase } });
 */
export async function initCa(options: InitCaOptions): Promise<InitializedCa> {
  const { rootValidityYears: rootYears = DEFAULT_ROOT_VALIDITY_YEARS, intermediateValidityYears: intermediateYears = DEFAULT_INTERMEDIATE_VALIDITY_YEARS } = options;
  checkOptions(options, rootYears, intermediateYears);
  const dir = path.resolve(options.dir);
  await assertAbsentOrEmpty(dir); // before any HSM key is generated
  const now = (options.clock ?? (() => new Date()))();
  const keys = await createCaKeyPair(options.algorithm ?? DEFAULT_CA_KEY_ALGORITHM, options.keys);
  try {
    const root = await createRootCa({ subject: options.subject, signer: keys.root, validity: { notBefore: now, notAfter: yearsAfter(now, rootYears) }, pathLength: 1 });
    const intermediate = await createIntermediateCa({
      subject: { organization: options.subject.organization, commonName: options.subject.commonName + INTERMEDIATE_CN_SUFFIX },
      publicKey: keys.intermediate.publicKey,
      parent: { certDer: root.der, signer: keys.root },
      validity: { notBefore: now, notAfter: yearsAfter(now, intermediateYears) },
    });
    const chainDer = [intermediate.der, root.der];
    validateCaChain(chainDer, keys.intermediate.publicKey, now); // verify what we emit, as loadCa will
    const files = await createDirAtomically(dir, async (staging) => {
      const written = await keys.persist(staging);
      const write = async (file: CaFile, pem: string) => writeNewFile(path.join(staging, CA_FILES[file]), pem, CERT_FILE_MODE);
      await write('rootCert', root.pem);
      await write('intermediateCert', intermediate.pem);
      await write('chain', intermediate.pem + root.pem);
      return [...written, 'rootCert', 'intermediateCert', 'chain'] as CaFile[];
    });
    return { dir, paths: caPaths(dir), files, root, intermediate, chainDer };
  } finally {
    await keys.close();
  }
}
