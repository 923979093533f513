import type { KeyObject } from 'node:crypto';
import { keyAlgorithm } from '@sigbox/core';
import { CaError } from './errors.js';

type Hash = 'sha256' | 'sha384' | 'sha512' | null;

/**
 * fulcio's default `--client-signing-algorithms` (cmd/app/serve.go at v1.8.8): each key type with its own digest.
 * A P-384 key behind a SHA-256 CSR signature is refused (sigstore/fulcio#1953).
 */
const PERMITTED: Readonly<Record<string, Hash>> = {
  'ecdsa-p256': 'sha256',
  'ecdsa-p384': 'sha384',
  'ecdsa-p521': 'sha512',
  rsa: 'sha256',
  ed25519: null,
};

const GO_HASH: Readonly<Record<string, string>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', null: 'none' };

export function checkSigningAlgorithm(publicKey: KeyObject, hash: Hash): void {
  const algorithm = keyAlgorithm(publicKey);
  if (PERMITTED[algorithm] !== hash) {
    throw new CaError('ALGORITHM_NOT_PERMITTED', `signing algorithm not permitted: ${algorithm}, ${GO_HASH[String(hash)]}`);
  }
}
