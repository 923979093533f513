import { type Pkcs11Signer, generatePkcs11Key, openPkcs11Signer } from '@sigbox/pkcs11';
import { CeremonyError } from './error.js';
import { readOptional, writeNewFile } from './files.js';
import { CA_RSA_BITS, type CaKeyAlgorithm } from './file-keys.js';
import { CERT_FILE_MODE, type HsmConfig } from './layout.js';

/** Where the token is and how to log in; the PIN is passed in by the caller and never stored. */
export interface HsmLogin {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
}

/**
 * Generates a key pair inside the token under `keyLabel` (sensitive, never extractable; refused when the
 * label is taken) and opens a signer on it. The private key never exists outside the HSM.
 */
export async function generateHsmSigner(login: HsmLogin, keyLabel: string, algorithm: CaKeyAlgorithm): Promise<Pkcs11Signer> {
  await generatePkcs11Key({ ...login, keyLabel, algorithm, rsaBits: CA_RSA_BITS });
  return openPkcs11Signer({ ...login, keyLabel });
}

export function openHsmSigner(config: HsmConfig, pin: string | undefined, keyLabel: string): Promise<Pkcs11Signer> {
  if (pin === undefined) throw new CeremonyError('PIN_REQUIRED', 'the CA key is in an HSM: a PIN is required');
  return openPkcs11Signer({ module: config.module, tokenLabel: config.tokenLabel, pin, keyLabel });
}

const isLabel = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Parses and checks hsm.json; undefined when the CA has file keys. */
export async function readHsmConfig(file: string): Promise<HsmConfig | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new CeremonyError('INVALID_CA', `${file} is not JSON`, { cause });
  }
  const { module, tokenLabel, rootKeyLabel, intermediateKeyLabel } = value;
  if (!isLabel(module) || !isLabel(tokenLabel) || !isLabel(intermediateKeyLabel) || (rootKeyLabel !== undefined && !isLabel(rootKeyLabel))) {
    throw new CeremonyError('INVALID_CA', `${file} needs module, tokenLabel and intermediateKeyLabel strings`);
  }
  return { module, tokenLabel, intermediateKeyLabel, ...(rootKeyLabel === undefined ? {} : { rootKeyLabel }) };
}

export async function writeHsmConfig(file: string, config: HsmConfig): Promise<void> {
  const { module, tokenLabel, rootKeyLabel, intermediateKeyLabel } = config; // exactly these keys: never a PIN
  await writeNewFile(file, `${JSON.stringify({ module, tokenLabel, rootKeyLabel, intermediateKeyLabel }, null, 2)}\n`, CERT_FILE_MODE);
}
