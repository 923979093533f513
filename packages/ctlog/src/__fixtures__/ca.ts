import { spawnSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { type KeyAlgorithm, type Signer, createEphemeralSigner, createKeySigner, generatePrivateKey, spkiDer } from '@sigbox/core';
import { type LeafDraft, type LeafIssuer, FULCIO_OIDS, createIntermediateCa, createLeafIssuer, createRootCa } from '@sigbox/x509';

const VALIDITY = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };

/** A Fulcio-shaped CA: root → intermediate (issuing) → leaves with codeSigning, precert + final pair. */
export interface TestCa {
  root: { der: Uint8Array; signer: Signer };
  /** The issuing CA, with its private key for tests that sign certificates of their own making. */
  intermediate: { der: Uint8Array; signer: Signer; privateKey: KeyObject };
  leaves: LeafIssuer;
  /** A fresh leaf draft for a new key: `precertificate()` for add-pre-chain, `certificate(sctList)` after. */
  draft(email?: string): LeafDraft;
}

export async function createTestCa(commonName = 'sigbox', algorithm: KeyAlgorithm = 'ecdsa-p256'): Promise<TestCa> {
  const rootSigner = createEphemeralSigner(algorithm);
  const interKey = generatePrivateKey(algorithm);
  const interSigner = createKeySigner(interKey);
  const root = await createRootCa({ subject: { commonName, organization: 'sigbox.dev' }, signer: rootSigner, validity: VALIDITY });
  const intermediate = await createIntermediateCa({
    subject: { commonName: `${commonName}-intermediate`, organization: 'sigbox.dev' },
    publicKey: interSigner.publicKey,
    parent: { certDer: root.der, signer: rootSigner },
    validity: VALIDITY,
  });
  const leaves = createLeafIssuer({ issuerCertDer: intermediate.der, signer: interSigner });
  return {
    root: { der: root.der, signer: rootSigner },
    intermediate: { der: intermediate.der, signer: interSigner, privateKey: interKey },
    leaves,
    draft: (email = 'alice@example.com') =>
      leaves.draft({
        publicKeySpki: spkiDer(createEphemeralSigner('ecdsa-p256').publicKey),
        identity: { san: { kind: 'email', value: email }, extensions: [{ oid: FULCIO_OIDS.issuerV2, value: 'https://accounts.example.com' }] },
      }),
  };
}

/**
 * Whether python3 with the `cryptography` package can run (the PyPI package `cryptography`, which sigstore-python
 * uses for SCTs). Skips with a message locally; under CI=true its absence fails the run.
 */
export function pythonCryptographyAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  const why = 'python3 with the `cryptography` package (pip install cryptography) verifies SCTs as sigstore-python does';
  if (process.env.CI === 'true') throw new Error(`${why}: required under CI=true`);
  console.warn(`skipping: ${why}; not available`);
  return false;
}

/** Runs `python3 -c script` with `input` as JSON on stdin; returns parsed JSON stdout, throws with stderr. */
export function runPython<T>(script: string, input: unknown): T {
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** `openssl <args>` with `input` on stdin; returns stdout, throws with stderr on failure. */
export function openssl(args: string[], input?: Uint8Array): string {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
