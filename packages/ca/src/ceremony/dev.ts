import { CeremonyError } from './error.js';
import { type CaName, initCa } from './init.js';
import { type LoadedCa, loadCa } from './load.js';

/** Subject of the development CA `sigbox up` makes when no CA is configured. */
export const DEV_CA_SUBJECT: CaName = Object.freeze({ organization: 'sigbox', commonName: 'sigbox-dev' });

export const DEV_CA_KEY_ALGORITHM = 'ecdsa-p256';

const isCode = (err: unknown, code: CeremonyError['code']) => err instanceof CeremonyError && err.code === code;

/**
 * Loads the CA in `dir`, creating a development CA there first when there is none (file keys, unencrypted,
 * mode 0600; subject O=sigbox, CN=sigbox-dev). Two processes starting on one data folder agree on one CA:
 * initCa publishes by an atomic rename, the loser sees CA_EXISTS and loads the winner's CA.
 * `created` says whether this call made it.
 */
export async function ensureDevCa(options: { dir: string; clock?: () => Date }): Promise<LoadedCa & { created: boolean }> {
  try {
    return { ...(await loadCa(options)), created: false };
  } catch (err) {
    if (!isCode(err, 'CA_NOT_FOUND')) throw err;
  }
  let created = true;
  try {
    await initCa({
      dir: options.dir,
      subject: DEV_CA_SUBJECT,
      keys: { kind: 'file' },
      // P-256, not the ceremony's P-384 default: each certificate costs two CA signatures (precertificate and
      // final), and P-384 signs about ten times slower; clients accept either.
      algorithm: DEV_CA_KEY_ALGORITHM,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (err) {
    if (!isCode(err, 'CA_EXISTS')) throw err;
    created = false;
  }
  return { ...(await loadCa(options)), created };
}
