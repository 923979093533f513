import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encoding } from '@sigbox/core';
import { identityFromCertificate, parsePolicy } from '@sigbox/policy';
import { generalName, generalNames, testCertificate, vectorsDir } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { mayConcern, quickIdentity } from './selector-prefilter.js';

const vectors = vectorsDir('sigstore');
type Material = { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: Array<{ rawBytes: string }> } };
const leafOf = (name: string) => {
  const vm = (JSON.parse(readFileSync(path.join(vectors as string, name), 'utf8')) as { verificationMaterial: Material }).verificationMaterial;
  return encoding.fromBase64(vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates[0]?.rawBytes ?? '');
};
const policy = (selector: string) => parsePolicy(`apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: r\n    selector: ${selector}\n    alertOnAnyUse: true\n`);

describe.skipIf(vectors === undefined)('quick identity (the watch\'s pre-filter)', () => {
  it('reads exactly the issuer and subject identityFromCertificate reads, for real public-good Fulcio leaves', () => {
    for (const name of ['bundle_v3.txt.sigstore', 'bundle_v3_github.whl.sigstore']) {
      const der = leafOf(name);
      const full = identityFromCertificate(der);
      expect(quickIdentity(der), name).toEqual({ issuer: full.issuer, subject: full.subject });
    }
  });

  it('skips a certificate only when every selector mismatches it', () => {
    const der = leafOf('bundle_v3_github.whl.sigstore');
    const { issuer, subject } = identityFromCertificate(der);
    expect(mayConcern(policy(`{ subject: "${subject}" }`), der)).toBe(true);
    expect(mayConcern(policy(`{ issuer: "${issuer}" }`), der)).toBe(true);
    expect(mayConcern(policy('{ subject: { pattern: "https://github.com/myorg/.+" } }'), der)).toBe(false);
    expect(mayConcern(policy(`{ issuer: "https://other.example", subject: "${subject}" }`), der)).toBe(false);
  });

  it('gives up (and so takes the full path) on anything but one email/URI SAN with a 1.8 issuer', async () => {
    const noIssuer = await testCertificate({ subjectAltNames: [generalNames(generalName.email('a@example.com'))] });
    expect(quickIdentity(noIssuer.der)).toBeUndefined();
    expect(mayConcern(policy('{ subject: nobody@example.com }'), noIssuer.der)).toBe(true);
    expect(quickIdentity(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).toBeUndefined();
  });
});
