import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse.js';
import type { Context, Identity } from './types.js';
import { watch } from './watch.js';

const policy = parsePolicy(readFileSync(new URL('../examples/github-release.yaml', import.meta.url), 'utf8'));
const GITHUB = 'https://token.actions.githubusercontent.com';
const SLSA = { predicateType: 'https://slsa.dev/provenance/v1', predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' } } };

function release(overrides: Partial<Identity['extensions']> = {}, subject = 'https://github.com/myorg/app/.github/workflows/release.yml@refs/tags/v1.2.0'): Identity {
  return {
    issuer: GITHUB,
    subject,
    extensions: {
      issuer: GITHUB,
      sourceRepositoryRef: 'refs/tags/v1.2.0',
      buildConfigURI: subject,
      buildTrigger: 'push',
      runnerEnvironment: 'github-hosted',
      ...overrides,
    },
  };
}
const IMAGE: Context = { image: 'registry.example/myorg/app', attestations: [SLSA] };

describe('evaluate', () => {
  const cases: Array<[string, Identity, Context, string | undefined, string]> = [
    ['release from a tag', release(), IMAGE, 'myorg-release', 'accepted'],
    ['release from main', release({ sourceRepositoryRef: 'refs/heads/main' }), IMAGE, 'myorg-release', 'accepted'],
    ['from a feature branch', release({ sourceRepositoryRef: 'refs/heads/feature' }), IMAGE, undefined, 'expectations-failed'],
    ['glob * does not cross /', release({ sourceRepositoryRef: 'refs/tags/v1/evil' }), IMAGE, undefined, 'expectations-failed'],
    ['self-hosted runner', release({ runnerEnvironment: 'self-hosted' }), IMAGE, undefined, 'expectations-failed'],
    ['extension missing', release({ runnerEnvironment: undefined }), IMAGE, undefined, 'expectations-failed'],
    ['another org', release({}, 'https://github.com/other/app/.github/workflows/release.yml@refs/tags/v1'), IMAGE, undefined, 'selector-mismatch'],
    ['pattern is anchored', release({}, 'https://evil.example/?https://github.com/myorg/x'), IMAGE, undefined, 'selector-mismatch'],
    ['image out of scope', release(), { ...IMAGE, image: 'registry.example/other/app' }, undefined, 'out-of-scope'],
    ['nested image in ** scope', release(), { ...IMAGE, image: 'registry.example/myorg/team/app' }, 'myorg-release', 'accepted'],
    ['artifact in scope', release(), { artifact: 'app-1.2.0.tar.gz', attestations: [SLSA] }, 'myorg-release', 'accepted'],
    ['artifact out of scope', release(), { artifact: 'app.zip' }, undefined, 'out-of-scope'],
    ['no attestation', release(), { ...IMAGE, attestations: [] }, undefined, 'expectations-failed'],
    ['wrong buildType', release(), { ...IMAGE, attestations: [{ ...SLSA, predicate: { buildDefinition: { buildType: 'x' } } }] }, undefined, 'expectations-failed'],
    ['attestations unknown (issuance)', release(), {}, 'myorg-release', 'accepted'],
  ];
  it.each(cases)('%s', (_name, identity, context, accepted, firstOutcome) => {
    const result = evaluate(policy, identity, context);
    expect(result.accepted).toBe(accepted);
    expect(result.verdicts[0]!.outcome).toBe(firstOutcome);
    expect(result.verdicts).toHaveLength(2);
  });

  it('names the failing field, what was expected and what the certificate said', () => {
    const result = evaluate(policy, release({ sourceRepositoryRef: 'refs/heads/feature', runnerEnvironment: 'self-hosted' }), { ...IMAGE, attestations: [] });
    expect(result.verdicts[0]).toEqual({
      rule: 'myorg-release',
      outcome: 'expectations-failed',
      failures: [
        { field: 'sourceRepositoryRef', expected: 'refs/heads/main | glob refs/tags/v*', actual: 'refs/heads/feature' },
        { field: 'runnerEnvironment', expected: 'github-hosted', actual: 'self-hosted' },
        { field: 'attestation', expected: 'https://slsa.dev/provenance/v1; buildDefinition.buildType = https://actions.github.io/buildtypes/workflow/v1', actual: undefined },
      ],
    });
    // break-glass has no scope, so it covers the image; its selector names another issuer.
    expect(result.verdicts[1]).toEqual({ rule: 'break-glass', outcome: 'selector-mismatch', field: 'issuer', expected: 'https://accounts.example.com', actual: GITHUB });
  });

  it('accepts the break-glass person with no scope and says why the release rule does not', () => {
    const person: Identity = { issuer: 'https://accounts.example.com', subject: 'security-oncall@example.com' };
    const result = evaluate(policy, person, { image: 'registry.example/anything' });
    expect(result.accepted).toBe('break-glass');
    expect(result.verdicts[0]).toMatchObject({ outcome: 'out-of-scope' });
    expect(evaluate(policy, person).verdicts[0]).toEqual({
      rule: 'myorg-release', outcome: 'selector-mismatch', field: 'subject', expected: 'pattern https://github.com/myorg/.+', actual: 'security-oncall@example.com',
    });
  });

  it('reads the issuer from extension 1.8 before the top-level one', () => {
    const id = release({ issuer: 'https://issuer.evil' });
    expect(evaluate(policy, id, IMAGE).verdicts[0]).toMatchObject({ failures: [{ field: 'issuer', actual: 'https://issuer.evil' }] });
  });
});

describe('watch', () => {
  it('alerts when the watched identity signs from an unexpected ref', () => {
    expect(watch(policy, release({ sourceRepositoryRef: 'refs/heads/feature' }))).toEqual([
      { rule: 'myorg-release', kind: 'expectations-failed', failures: [{ field: 'sourceRepositoryRef', expected: 'refs/heads/main | glob refs/tags/v*', actual: 'refs/heads/feature' }] },
    ]);
  });
  it('is silent for an accepted signature and for identities no rule selects', () => {
    expect(watch(policy, release())).toEqual([]);
    expect(watch(policy, { issuer: GITHUB, subject: 'https://github.com/other/x/.github/workflows/a.yml@refs/heads/main' })).toEqual([]);
  });
  it('alerts on any use where alertOnAnyUse is set', () => {
    expect(watch(policy, { issuer: 'https://accounts.example.com', subject: 'security-oncall@example.com' })).toEqual([{ rule: 'break-glass', kind: 'any-use' }]);
  });
  it('checks the required attestation only when attestations are listed', () => {
    expect(watch(policy, release(), { attestations: [] })).toMatchObject([{ rule: 'myorg-release', failures: [{ field: 'attestation' }] }]);
    expect(watch(policy, release(), { attestations: [SLSA] })).toEqual([]);
  });
});
