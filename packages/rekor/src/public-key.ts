import type { KeyObject } from 'node:crypto';
import { parsePemBlocks, toPem, type KeyAlgorithm } from '@sigbox/core';
import { type Certificate, readCertificate } from '@sigbox/x509';
import { subjectAlternativeNames } from './sans.js';
import { verifyCertificateChain } from './cert-chain.js';
import { VerifyingKey } from './verifying-key.js';

// sigstore cryptoutils.UnmarshalCertificatesFromPEMLimited(…, 10) as called by rekor pkg/pki/x509 NewPublicKey.
const MAX_CHAIN_CERTIFICATES = 10;

/**
 * A verifier as rekor `pkg/pki/x509.PublicKey` understands it: one PEM `PUBLIC KEY`, one `CERTIFICATE`, or a
 * chain of concatenated certificate PEMs (leaf first). `canonicalPem` is Go's re-encoding, which goes into leaves.
 */
export interface X509Verifier {
  readonly form: 'key' | 'certificate' | 'chain';
  /** The signing key: the key itself or the (first) certificate's, read as little as asked (verifying-key.ts). */
  readonly key: VerifyingKey;
  /** The signing key as a node:crypto KeyObject (made on first use). */
  readonly publicKey: KeyObject;
  readonly algorithm: KeyAlgorithm;
  /** DER of each certificate, leaf first; empty for a bare key. */
  readonly certificates: readonly Uint8Array[];
  readonly canonicalPem: string;
  /** SANs of the (first) certificate, sigstore order; empty for a bare key. */
  subjects(): string[];
}

const latin1 = new TextDecoder('latin1');

function parseCertificate(der: Uint8Array): Certificate {
  try {
    return readCertificate(der);
  } catch (cause) {
    throw new Error('x509: malformed certificate', { cause });
  }
}

function supportedKey(key: VerifyingKey): KeyAlgorithm {
  try {
    return key.algorithm;
  } catch {
    throw new Error('unsupported public key type');
  }
}

function fromCertificates(ders: Uint8Array[]): X509Verifier {
  const certs = ders.map(parseCertificate);
  const leaf = certs[0] as Certificate;
  const key = VerifyingKey.fromCertificate(leaf.subjectPublicKeyInfo, () => leaf.publicKey);
  return {
    form: ders.length === 1 ? 'certificate' : 'chain',
    key,
    get publicKey() {
      return key.keyObject;
    },
    get algorithm() {
      return supportedKey(key);
    },
    certificates: ders,
    canonicalPem: ders.map((d) => toPem('CERTIFICATE', d)).join(''),
    subjects: () => subjectAlternativeNames(leaf),
  };
}

function fromKey(der: Uint8Array): X509Verifier {
  let key: VerifyingKey;
  try {
    key = VerifyingKey.fromSpki(der);
  } catch (cause) {
    throw new Error('x509: failed to parse public key', { cause });
  }
  return {
    form: 'key',
    key,
    get publicKey() {
      return key.keyObject;
    },
    get algorithm() {
      return supportedKey(key);
    },
    certificates: [],
    // Go's MarshalPKIXPublicKey; for a canonical EC key the input itself (verifying-key.ts).
    get canonicalPem() {
      return toPem('PUBLIC KEY', key.spki);
    },
    subjects: () => [],
  };
}

/**
 * Parses verifier bytes exactly as rekor `x509.NewPublicKey` accepts them: surrounding whitespace trimmed; one
 * block of type PUBLIC KEY or CERTIFICATE; anything after the first block makes it a certificate chain (≤ 10).
 * Errors carry upstream's text; a chain is verified later, when a signature is checked (as upstream does).
 */
export function parseX509Verifier(raw: Uint8Array): X509Verifier {
  const text = latin1.decode(raw).trim();
  let blocks;
  try {
    blocks = parsePemBlocks(text);
  } catch {
    throw new Error('invalid public key: failure decoding PEM');
  }
  const first = blocks[0];
  if (first === undefined) throw new Error('invalid public key: failure decoding PEM');
  const firstEnd = text.indexOf(`-----END ${first.type}-----`) + `-----END ${first.type}-----`.length;
  if (text.slice(firstEnd).trim().length > 0) {
    // Chain: every block must be a certificate; trailing non-PEM text fails like pem.Decode returning nil.
    if (blocks.length > MAX_CHAIN_CERTIFICATES) throw new Error('too many certificates specified in PEM block');
    const lastType = blocks[blocks.length - 1]?.type as string;
    const lastEnd = text.lastIndexOf(`-----END ${lastType}-----`) + `-----END ${lastType}-----`.length;
    if (text.slice(lastEnd).trim().length > 0) throw new Error('error during PEM decoding');
    return fromCertificates(blocks.map((b) => b.der));
  }
  if (first.type === 'PUBLIC KEY') return fromKey(first.der);
  if (first.type === 'CERTIFICATE') return fromCertificates([first.der]);
  throw new Error(`invalid public key: cannot handle type ${first.type}`);
}

/**
 * A verifier from one DER key or certificate (Rekor v2's `Verifier`), as parseX509Verifier reads the PEM of it.
 * Throws when OpenSSL does not load it (the key, or the certificate and its key).
 */
export function x509VerifierOfDer(form: 'key' | 'certificate', der: Uint8Array): X509Verifier {
  return form === 'key' ? fromKey(der) : fromCertificates([der]);
}

/** Throws upstream's error when a chain does not verify (checked lazily, as rekor `Signature.Verify` does). */
export function assertVerifierChain(verifier: X509Verifier): void {
  if (verifier.form === 'chain') verifyCertificateChain(verifier.certificates);
}
