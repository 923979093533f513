import { parsePolicy } from '@sigbox/policy';
import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { describeVerdict, formatExplanation } from './explain-format.js';
import type { CheckedCandidate } from './signed-candidate.js';

const policy = parsePolicy(`apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: release
    selector: { issuer: https://issuer.example, subject: ci@example.com }
    expectations:
      attestation:
        predicateType: https://slsa.dev/provenance/v1
        conditions: { buildDefinition.buildType: https://build.example/v1 }
    scope: { images: "registry.example/app" }
`);
const ci = { issuer: 'https://issuer.example', subject: 'ci@example.com' };
const mallory = { issuer: 'https://issuer.example', subject: 'mallory@example.com' };
const signature: CheckedCandidate = { source: 'sig', role: 'signature', identity: ci, signedAt: undefined, predicateType: undefined, predicate: undefined };
const provenance = (identity: typeof ci, buildType: string): CheckedCandidate => ({
  source: `att by ${identity.subject}`, role: 'attestation', identity, signedAt: undefined,
  predicateType: 'https://slsa.dev/provenance/v1', predicate: { buildDefinition: { buildType } },
});
const image = { image: 'registry.example/app' };

describe('explain', () => {
  it('accepts a signature with its own signer\'s attestation', () => {
    const e = explain(policy, [signature, provenance(ci, 'https://build.example/v1')], 'registry.example/app@sha256:…', image);
    expect(e.accepted).toEqual({ rule: 'release', source: 'sig' });
    expect(e.signatures[0]?.attestations).toEqual([{ source: 'att by ci@example.com', predicateType: 'https://slsa.dev/provenance/v1' }]);
  });

  it('does not let an attestation by someone else satisfy the rule, and says so', () => {
    const e = explain(policy, [signature, provenance(mallory, 'https://build.example/v1')], 'x', image);
    expect(e.accepted).toBeUndefined();
    expect(e.attestations).toHaveLength(1);
    const verdict = e.signatures[0]?.evaluation.verdicts[0];
    expect(verdict).toMatchObject({ outcome: 'expectations-failed', failures: [{ field: 'attestation', actual: undefined }] });
    expect(describeVerdict(verdict as never)).toBe(
      'rule release: selector matches, expectations fail: attestation https://slsa.dev/provenance/v1; buildDefinition.buildType = https://build.example/v1 is missing (found: none)',
    );
  });

  it('counts an attestation as a signature only for a bundle file, and lists what was rejected', () => {
    const rejected: CheckedCandidate = { source: 'bad', role: 'rejected', error: 'does not verify: SIGNATURE_ERROR: x' };
    const att = provenance(ci, 'https://build.example/v1');
    expect(explain(policy, [att, rejected], 'x', image).signatures).toEqual([]);
    const file = explain(policy, [att, rejected], 'bundle.json', image, true);
    expect(file.accepted?.rule).toBe('release');
    expect(formatExplanation(file)).toBe(
      [
        'bundle.json',
        'signature 1 (att by ci@example.com): verified; signed by ci@example.com (issuer https://issuer.example)',
        '  with attestations by the same signer: https://slsa.dev/provenance/v1',
        '  rule release: ACCEPTS',
        'attestation (att by ci@example.com): verified; https://slsa.dev/provenance/v1 by ci@example.com (issuer https://issuer.example)',
        'ignored (bad): does not verify: SIGNATURE_ERROR: x',
        'ACCEPTED by rule release (att by ci@example.com)',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was found', () => {
    expect(formatExplanation(explain(policy, [], 'registry.example/app@sha256:…', image))).toBe(
      'registry.example/app@sha256:…\n  no signatures found\nNOT ACCEPTED: no rule accepts any verified signature\n',
    );
  });
});
