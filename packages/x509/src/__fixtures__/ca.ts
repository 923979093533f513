import 'reflect-metadata';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as peculiar from '@peculiar/x509';
import { type KeyAlgorithm, type Signer, createEphemeralSigner } from '@sigbox/core';
import { createIntermediateCa, createRootCa } from '../ca-chain.js';

peculiar.cryptoProvider.set(crypto.webcrypto as unknown as typeof globalThis.crypto);

export const VALIDITY = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
export const AT = new Date('2026-06-01T12:00:00Z');

export interface TestCa {
  root: { der: Uint8Array; signer: Signer };
  intermediate: { der: Uint8Array; signer: Signer };
}

/** A root → intermediate chain on fresh keys, shaped like the public sigstore CA. */
export async function createTestCa(intermediateAlgorithm: KeyAlgorithm = 'ecdsa-p384', rootAlgorithm: KeyAlgorithm = 'ecdsa-p384'): Promise<TestCa> {
  const rootSigner = createEphemeralSigner(rootAlgorithm);
  const intermediateSigner = createEphemeralSigner(intermediateAlgorithm);
  const root = await createRootCa({ subject: { commonName: 'sigbox', organization: 'sigbox.dev' }, signer: rootSigner, validity: VALIDITY });
  const intermediate = await createIntermediateCa({
    subject: { commonName: 'sigbox-intermediate', organization: 'sigbox.dev' },
    publicKey: intermediateSigner.publicKey,
    parent: { certDer: root.der, signer: rootSigner },
    validity: VALIDITY,
  });
  return { root: { der: root.der, signer: rootSigner }, intermediate: { der: intermediate.der, signer: intermediateSigner } };
}

/** `openssl <args>` with `input` on stdin; returns stdout, throws with stderr on failure. */
export function openssl(args: string[], input?: Uint8Array | string): string {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export { peculiar };
