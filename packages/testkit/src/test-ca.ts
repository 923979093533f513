import type { KeyObject } from 'node:crypto';
import { type KeyAlgorithm, type Signer, createEphemeralSigner, createKeySigner, generatePrivateKey, spkiDer } from '@sigbox/core';
import {
  type CaCertificate,
  type CaSubject,
  type LeafDraft,
  type LeafIssuer,
  type Validity,
  FULCIO_OIDS,
  createIntermediateCa,
  createLeafIssuer,
  createRootCa,
} from '@sigbox/x509';

/** The default validity of a test CA: fixed, so a test with a fixed clock gets the same answers every year. */
export const TEST_CA_VALIDITY: Validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
/** A moment inside {@link TEST_CA_VALIDITY}, for a fixed clock. */
export const TEST_CA_TIME = new Date('2026-06-01T12:00:00Z');

/** From a minute before `at` to a day after: for a CA that issues on the real clock. */
export function validityAround(at = new Date()): Validity {
  return { notBefore: new Date(at.getTime() - 60_000), notAfter: new Date(at.getTime() + 86_400_000) };
}

export interface TestCaOptions {
  /** The root's CN; the intermediate's is `<commonName>-intermediate`. Default `sigbox`. */
  commonName?: string;
  /** Both subjects' O. Default `sigbox.dev`. */
  organization?: string;
  /** The issuing (intermediate) key's algorithm. Default ecdsa-p256. */
  algorithm?: KeyAlgorithm;
  /** The root key's algorithm. Default: `algorithm`. */
  rootAlgorithm?: KeyAlgorithm;
  /** Both certificates' validity. Default {@link TEST_CA_VALIDITY}. */
  validity?: Validity;
}

/** A Fulcio-shaped CA on fresh keys: root → intermediate (issuing) → code-signing leaves. */
export interface TestCa {
  root: CaCertificate & { signer: Signer };
  /** The issuing CA, with its private key for tests that sign certificates of their own making. */
  intermediate: CaCertificate & { signer: Signer; privateKey: KeyObject };
  /** `[intermediate, root]`, as the CA serves its chain. */
  chainDer: Uint8Array[];
  validity: Validity;
  /** Issues leaves under the intermediate (on the real clock). */
  leaves: LeafIssuer;
  /** A fresh leaf draft for a new key: `precertificate()` for add-pre-chain, `certificate(sctList)` after. */
  draft(email?: string): LeafDraft;
  /** Another intermediate under the root, for `publicKey` (an external CSR's key, say). */
  issueIntermediate(publicKey: KeyObject, subject: CaSubject): Promise<CaCertificate>;
}

/**
 * A root and an intermediate on fresh ephemeral keys.
 *
 * @example
 * const ca = await createTestCa({ algorithm: 'ecdsa-p384' });
 * const precert = await ca.draft('alice@example.com').precertificate();
 */
export async function createTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const { commonName = 'sigbox', organization = 'sigbox.dev', algorithm = 'ecdsa-p256', validity = TEST_CA_VALIDITY } = options;
  const rootSigner = createEphemeralSigner(options.rootAlgorithm ?? algorithm);
  const intermediateKey = generatePrivateKey(algorithm);
  const intermediateSigner = createKeySigner(intermediateKey);
  const root = await createRootCa({ subject: { commonName, organization }, signer: rootSigner, validity });
  const issueIntermediate = (publicKey: KeyObject, subject: CaSubject) =>
    createIntermediateCa({ subject, publicKey, parent: { certDer: root.der, signer: rootSigner }, validity });
  const intermediate = await issueIntermediate(intermediateSigner.publicKey, { commonName: `${commonName}-intermediate`, organization });
  const leaves = createLeafIssuer({ issuerCertDer: intermediate.der, signer: intermediateSigner });
  return {
    root: { ...root, signer: rootSigner },
    intermediate: { ...intermediate, signer: intermediateSigner, privateKey: intermediateKey },
    chainDer: [intermediate.der, root.der],
    validity,
    leaves,
    draft: (email = 'alice@example.com') =>
      leaves.draft({
        publicKeySpki: spkiDer(createEphemeralSigner('ecdsa-p256').publicKey),
        identity: { san: { kind: 'email', value: email }, extensions: [{ oid: FULCIO_OIDS.issuerV2, value: 'https://accounts.example.com' }] },
      }),
    issueIntermediate,
  };
}
