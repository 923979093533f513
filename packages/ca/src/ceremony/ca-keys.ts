import path from 'node:path';
import { type Signer, createKeySigner } from '@sigbox/core';
import { type CaKeyAlgorithm, generateCaKey, writeKeyFile } from './file-keys.js';
import { type HsmLogin, generateHsmSigner, writeHsmConfig } from './hsm-keys.js';
import { CA_FILES, type CaFile } from './layout.js';

/** Where the two CA keys of `initCa` live: files in the CA directory, or a PKCS#11 token. */
export type CaKeyOptions =
  | { readonly kind: 'file'; readonly passphrase?: string | undefined }
  | ({ readonly kind: 'hsm'; readonly rootKeyLabel: string; readonly intermediateKeyLabel: string } & HsmLogin);

/** Both CA signers of a ceremony, the files that record them, and how to let go of HSM sessions. */
export interface CaKeyPair {
  readonly root: Signer;
  readonly intermediate: Signer;
  /** Writes the key files or hsm.json into `dir`; returns which layout files it wrote. */
  persist(dir: string): Promise<CaFile[]>;
  close(): Promise<void>;
}

async function fileKeyPair(algorithm: CaKeyAlgorithm, passphrase: string | undefined): Promise<CaKeyPair> {
  const rootKey = generateCaKey(algorithm);
  const intermediateKey = generateCaKey(algorithm);
  return {
    root: createKeySigner(rootKey),
    intermediate: createKeySigner(intermediateKey),
    async persist(dir) {
      await writeKeyFile(path.join(dir, CA_FILES.rootKey), rootKey, passphrase);
      await writeKeyFile(path.join(dir, CA_FILES.intermediateKey), intermediateKey, passphrase);
      return ['rootKey', 'intermediateKey'];
    },
    close: () => Promise.resolve(),
  };
}

/** Both keys are generated in the token; if the second fails, the first stays there under its label. */
async function hsmKeyPair(algorithm: CaKeyAlgorithm, keys: Extract<CaKeyOptions, { kind: 'hsm' }>): Promise<CaKeyPair> {
  const login = { module: keys.module, tokenLabel: keys.tokenLabel, pin: keys.pin };
  const root = await generateHsmSigner(login, keys.rootKeyLabel, algorithm);
  let intermediate;
  try {
    intermediate = await generateHsmSigner(login, keys.intermediateKeyLabel, algorithm);
  } catch (err) {
    await root.close();
    throw err;
  }
  return {
    root,
    intermediate,
    async persist(dir) {
      const { module, tokenLabel, rootKeyLabel, intermediateKeyLabel } = keys;
      await writeHsmConfig(path.join(dir, CA_FILES.hsmConfig), { module, tokenLabel, rootKeyLabel, intermediateKeyLabel });
      return ['hsmConfig'];
    },
    close: async () => {
      await Promise.all([root.close(), intermediate.close()]);
    },
  };
}

export function createCaKeyPair(algorithm: CaKeyAlgorithm, keys: CaKeyOptions): Promise<CaKeyPair> {
  return keys.kind === 'file' ? fileKeyPair(algorithm, keys.passphrase) : hsmKeyPair(algorithm, keys);
}
