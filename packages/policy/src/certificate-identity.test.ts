import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityFromCertificate } from './certificate-identity.js';
import { CertificateIdentityError } from './error.js';
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse.js';

function leaf(name: string): Uint8Array {
  const bundle = JSON.parse(readFileSync(path.join(process.env.SIGBOX_VECTORS!, 'sigstore', name), 'utf8'));
  const vm = bundle.verificationMaterial;
  const cert = vm.certificate?.rawBytes ?? vm.x509CertificateChain.certificates[0].rawBytes;
  return new Uint8Array(Buffer.from(cert, 'base64'));
}

describe('identityFromCertificate', () => {
  it('reads a real GitHub Actions certificate from public Fulcio', () => {
    const workflow = 'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2';
    const sha = 'd8b4a6445f38c48b9137a8099706d9b8073146e4';
    const github = 'https://token.actions.githubusercontent.com';
    expect(identityFromCertificate(leaf('bundle_v3_github.whl.sigstore'))).toEqual({
      issuer: github,
      subject: workflow,
      extensions: {
        issuer: github,
        buildSignerURI: workflow,
        buildSignerDigest: sha,
        runnerEnvironment: 'github-hosted',
        sourceRepositoryURI: 'https://github.com/trailofbits/rfc8785.py',
        sourceRepositoryDigest: sha,
        sourceRepositoryRef: 'refs/tags/v0.1.2',
        sourceRepositoryIdentifier: '768213997',
        sourceRepositoryOwnerURI: 'https://github.com/trailofbits',
        sourceRepositoryOwnerIdentifier: '2314423',
        buildConfigURI: workflow,
        buildConfigDigest: sha,
        buildTrigger: 'release',
        runInvocationURI: 'https://github.com/trailofbits/rfc8785.py/actions/runs/8351058501/attempts/1',
        sourceRepositoryVisibilityAtSigning: 'public',
      },
    });
  });

  it('feeds evaluate: the issue example rule accepts a v* tag and explains a ref it does not', () => {
    const policy = parsePolicy(`apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: trailofbits
    selector: { subject: { pattern: "^https://github.com/trailofbits/.+" } }
    expectations:
      issuer: https://token.actions.githubusercontent.com
      sourceRepositoryRef: [refs/heads/main, { glob: "refs/tags/v*" }]
  - name: main-only
    selector: { subject: { pattern: "https://github.com/trailofbits/.+" } }
    expectations: { sourceRepositoryRef: refs/heads/main, buildTrigger: push }
`);
    const result = evaluate(policy, identityFromCertificate(leaf('bundle_v3_github.whl.sigstore')));
    expect(result.accepted).toBe('trailofbits');
    expect(result.verdicts[1]).toEqual({
      rule: 'main-only',
      outcome: 'expectations-failed',
      failures: [
        { field: 'sourceRepositoryRef', expected: 'refs/heads/main', actual: 'refs/tags/v0.1.2' },
        { field: 'buildTrigger', expected: 'push', actual: 'release' },
      ],
    });
  });

  it('reads an email identity (GitHub OAuth through public Fulcio): no workflow extensions', () => {
    expect(identityFromCertificate(leaf('bundle_v3.txt.sigstore'))).toEqual({
      issuer: 'https://github.com/login/oauth',
      subject: 'william@yossarian.net',
      extensions: { issuer: 'https://github.com/login/oauth' },
    });
  });

  it('refuses bytes that are not a certificate', () => {
    expect(() => identityFromCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(CertificateIdentityError);
  });
});
