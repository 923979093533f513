import crypto from 'node:crypto';
import { createEphemeralSigner, spkiDer, toPem } from '@sigbox/core';
import { type TestCa, createTestCa, mutatedBytes, mutatedText } from '@sigbox/testkit';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { extKeyUsages, parseCertificate, subjectKeyId } from './certificate.js';
import { createIntermediateCsr, parseCsr } from './csr.js';
import { X509Error } from './error.js';
import { readGeneralNames, subjectAltNames } from './general-names.js';
import { checkKeyStrength } from './key-strength.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { readCertificate } from './read-certificate.js';
import { decodeSctList, encodeSctList } from './sct-list.js';
import { checkStandardExtensions } from './standard-extensions.js';
import { readUnambiguousLeaf } from './unambiguous-leaf.js';

// Property tests of the DER readers that take bytes from outside: certificates (Rekor entries, CT chains, trust
// files), CSRs and keys (signing requests), SAN values, SCT lists. Random and mutated real encodings alike get a
// value or an X509Error, never another exception (which the HTTP edge would answer 500), and never a stall. The
// bound is generous (a call takes microseconds to milliseconds); it only tells a stall from a slow machine.
const CALL_BOUND_MS = 1_000;
const RUNS = 400;

function readsOrRefuses<T>(read: () => T): T | undefined {
  const started = performance.now();
  try {
    return read();
  } catch (err) {
    expect(err).toBeInstanceOf(X509Error);
    return undefined;
  } finally {
    expect(performance.now() - started).toBeLessThan(CALL_BOUND_MS);
  }
}

/** Everything a reader of certificates may ask of `der`. */
function readCertificateEveryWay(der: Uint8Array): void {
  const parts = readsOrRefuses(() => parseCertificate(der));
  if (parts) {
    readsOrRefuses(() => checkStandardExtensions(parts));
    readsOrRefuses(() => subjectAltNames(parts));
    readsOrRefuses(() => extKeyUsages(parts));
    readsOrRefuses(() => subjectKeyId(parts));
    readsOrRefuses(() => readUnambiguousLeaf(der, parts));
  }
  const certificate = readsOrRefuses(() => readCertificate(der));
  if (certificate) {
    readsOrRefuses(() => [certificate.isCa, certificate.notBefore, certificate.notAfter]);
    readsOrRefuses(() => certificate.subjectAltNames());
  }
}

let ca: TestCa;
let leaf: Uint8Array;
let csr: string;
const spki = spkiDer(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
beforeAll(async () => {
  ca = await createTestCa({ algorithm: 'ecdsa-p256' });
  const leaves = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer });
  const identity = {
    san: { kind: 'uri' as const, value: 'https://github.com/octo/repo/.github/workflows/release.yml@refs/heads/main' },
    extensions: [
      { oid: FULCIO_OIDS.issuer, value: 'https://token.actions.githubusercontent.com' },
      { oid: FULCIO_OIDS.issuerV2, value: 'https://token.actions.githubusercontent.com' },
      { oid: FULCIO_OIDS.tokenSubject, value: 'repo:octo/repo:ref:refs/heads/main' },
    ],
  };
  leaf = (await leaves.issue({ publicKeySpki: spki, identity, sctList: encodeSctList([crypto.randomBytes(118)]) })).der;
  csr = await createIntermediateCsr({ subject: { commonName: 'fuzz', organization: 'sigbox' }, signer: createEphemeralSigner('ecdsa-p256') });
});

describe('DER readers: a value or an X509Error, whatever the bytes', () => {
  it('certificates: random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1_500 }), readCertificateEveryWay), { numRuns: RUNS });
  });

  it('certificates: a Fulcio leaf and the CA certificates above it, mutated', () => {
    fc.assert(fc.property(fc.oneof(mutatedBytes(leaf), mutatedBytes(ca.intermediate.der), mutatedBytes(ca.root.der)), readCertificateEveryWay), { numRuns: RUNS });
  });

  it('CSRs: random and mutated, as DER and as PEM', () => {
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\n/g, ''), 'base64');
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutatedBytes(der)), (bytes) => {
      readsOrRefuses(() => parseCsr(bytes));
      readsOrRefuses(() => parseCsr(toPem('CERTIFICATE REQUEST', bytes)));
    }), { numRuns: RUNS });
    fc.assert(fc.property(mutatedText(csr), (text) => { readsOrRefuses(() => parseCsr(text)); }), { numRuns: RUNS });
  });

  it('public keys, SAN values and SCT lists: random and mutated', () => {
    const sanValue = parseCertificate(leaf).extensions.find((e) => e.oid === OID.subjectAltName)?.value ?? new Uint8Array();
    const sctList = encodeSctList([crypto.randomBytes(118), crypto.randomBytes(50)]);
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedBytes(spki), mutatedBytes(sanValue), mutatedBytes(sctList)), (bytes) => {
      readsOrRefuses(() => checkKeyStrength(bytes));
      readsOrRefuses(() => readGeneralNames(bytes));
      readsOrRefuses(() => decodeSctList(bytes));
    }), { numRuns: RUNS });
  });
});
