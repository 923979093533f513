import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encoding, toPem } from '@sigbox/core';
import { vectorsDir, type TestCertificate, chainPem, testCertificate, hashedrekord, signArtifact } from '@sigbox/testkit';
import { parseProposedEntry } from './index.js';
import { assertVerifierChain, parseX509Verifier } from './public-key.js';

const UNKNOWN_AUTHORITY = /^x509: certificate signed by unknown authority$/;
const check = (...certs: TestCertificate[]) => assertVerifierChain(parseX509Verifier(encoding.utf8(chainPem(...certs))));
const at = (iso: string) => new Date(iso);

describe('submitted certificate chains, checked as rekor verifyCertChain asks Go to', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let leaf: TestCertificate;
  beforeAll(async () => {
    root = await testCertificate({ name: 'CN=root', ca: true });
    intermediate = await testCertificate({ name: 'CN=intermediate', ca: true, issuer: root });
    leaf = await testCertificate({ name: 'CN=leaf', issuer: intermediate, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2025-01-01T00:10:00Z') });
  });

  it('accepts leaf → intermediate → root and leaf → root, the leaf long expired', () => {
    expect(() => check(leaf, intermediate, root)).not.toThrow();
    expect(() => check(intermediate, root)).not.toThrow();
  });

  it('refuses the chain in another order, or with a link missing', () => {
    expect(() => check(root, intermediate, leaf)).toThrow(UNKNOWN_AUTHORITY);
    expect(() => check(leaf, root)).toThrow(UNKNOWN_AUTHORITY);
    expect(() => check(leaf, root, intermediate)).toThrow(UNKNOWN_AUTHORITY);
  });

  it('refuses an issuer with the right name but another key', async () => {
    const impostor = await testCertificate({ name: 'CN=intermediate', ca: true, issuer: root });
    expect(() => check(leaf, impostor, root)).toThrow(UNKNOWN_AUTHORITY);
  });

  it('refuses an issuer that is not a CA, the root included', async () => {
    const notCa = await testCertificate({ name: 'CN=intermediate', issuer: root });
    const leafOfNotCa = await testCertificate({ name: 'CN=leaf', issuer: notCa });
    expect(() => check(leafOfNotCa, notCa, root)).toThrow(UNKNOWN_AUTHORITY);
    const plainRoot = await testCertificate({ name: 'CN=plain root' });
    const underPlainRoot = await testCertificate({ issuer: plainRoot });
    expect(() => check(underPlainRoot, plainRoot)).toThrow(UNKNOWN_AUTHORITY);
  });

  it("judges validity at the leaf's NotBefore, for every certificate", async () => {
    const lateIntermediate = await testCertificate({ name: 'CN=intermediate', ca: true, issuer: root, notBefore: at('2025-01-01T00:00:01Z') });
    const early = await testCertificate({ name: 'CN=leaf', issuer: lateIntermediate, notBefore: at('2025-01-01T00:00:00Z') });
    expect(() => check(early, lateIntermediate, root)).toThrow(UNKNOWN_AUTHORITY);
    const onTime = await testCertificate({ name: 'CN=leaf', issuer: lateIntermediate, notBefore: at('2025-01-01T00:00:01Z') });
    expect(() => check(onTime, lateIntermediate, root)).not.toThrow();

    const shortRoot = await testCertificate({ name: 'CN=root', ca: true, notAfter: at('2024-12-31T23:59:59Z') });
    const underShortRoot = await testCertificate({ name: 'CN=leaf', issuer: shortRoot, notBefore: at('2025-01-01T00:00:00Z') });
    expect(() => check(underShortRoot, shortRoot)).toThrow(UNKNOWN_AUTHORITY);
    // The leaf's own window counts too: a leaf whose NotAfter precedes its NotBefore is never valid.
    const inverted = await testCertificate({ name: 'CN=leaf', issuer: root, notBefore: at('2025-01-02T00:00:00Z'), notAfter: at('2025-01-01T00:00:00Z') });
    expect(() => check(inverted, root)).toThrow(UNKNOWN_AUTHORITY);
  });

  it('trusts a leaf that is itself the last certificate, whatever stands between', () => {
    expect(() => check(leaf, root, leaf)).not.toThrow();
  });

  it('checks nothing for a single certificate', async () => {
    const lone = await testCertificate({ issuer: root });
    expect(() => check(lone)).not.toThrow();
  });

  it('verifies the chain of a hashedrekord entry before its signature, with upstream text', async () => {
    const artifact = crypto.randomBytes(64);
    const entry = hashedrekord(signArtifact(leaf, artifact, 'sha256'), chainPem(leaf, intermediate, root), 'sha256', artifact);
    expect((await parseProposedEntry(entry)).canonicalBody.length).toBeGreaterThan(0);
    const broken = hashedrekord(signArtifact(leaf, artifact, 'sha256'), chainPem(leaf, root), 'sha256', artifact);
    await expect(parseProposedEntry(broken)).rejects.toThrow('error processing entry: verifying signature: x509: certificate signed by unknown authority');
  });
});

const vectors = vectorsDir('sigstore');

describe.skipIf(!vectors)('real Fulcio chains', () => {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(vectors as string, file), 'utf8'));
  const pem = (rawBytes: string) => toPem('CERTIFICATE', encoding.fromBase64(rawBytes));

  it.each([
    ['bundle_v3.txt.sigstore', 'staging.trusted_root.json'],
    ['bundle_v3_github.whl.sigstore', 'production.trusted_root.json'],
  ])('%s: its leaf chains to the current CA of %s, and not to the other', (bundleFile, rootFile) => {
    const material = read(bundleFile).verificationMaterial;
    const leaf = pem((material.certificate ?? material.x509CertificateChain.certificates[0]).rawBytes);
    const chainOf = (file: string) => (read(file).certificateAuthorities.at(-1).certChain.certificates as Array<{ rawBytes: string }>).map((c) => pem(c.rawBytes)).join('');
    expect(() => assertVerifierChain(parseX509Verifier(encoding.utf8(leaf + chainOf(rootFile))))).not.toThrow();
    const other = rootFile.startsWith('staging') ? 'production.trusted_root.json' : 'staging.trusted_root.json';
    expect(() => assertVerifierChain(parseX509Verifier(encoding.utf8(leaf + chainOf(other))))).toThrow(UNKNOWN_AUTHORITY);
  });
});
