import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePolicy } from '@sigbox/policy';
import { describe, expect, it } from 'vitest';
import { exportPolicy } from './index.js';

const trustedRoot = JSON.parse(readFileSync(path.join(process.env.SIGBOX_VECTORS!, 'sigstore/production.trusted_root.json'), 'utf8')) as unknown;

const POLICY = `apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: release
    selector: { issuer: https://token.actions.githubusercontent.com, subject: { glob: "https://github.com/myorg/**" } }
    expectations:
      sourceRepositoryURI: https://github.com/myorg/app
      attestation:
        predicateType: https://slsa.dev/provenance/v1
        conditions: { buildDefinition.buildType: https://actions.github.io/buildtypes/workflow/v1 }
    scope: { images: registry.example/myorg/* }
  - name: ops
    selector: { issuer: https://accounts.example.com, subject: "o'neil@example.com" }
    scope: { images: [registry.example/ops/tool, "registry.example/shared/**"] }
`;

/**
 * The script runs under a real POSIX sh with a stand-in for cosign that logs its arguments and accepts only the
 * issuer named in ACCEPT: what the script asks cosign and in which order is exactly what is asserted.
 */
describe('cosign verify script', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigbox-export-cosign-'));
  const result = exportPolicy('cosign', { policy: parsePolicy(POLICY), trustedRoot, rekorUrl: 'https://sigbox.example' });
  for (const f of result.files) writeFileSync(path.join(dir, f.path), f.content);
  chmodSync(path.join(dir, 'verify.sh'), 0o755);
  const fake = path.join(dir, 'fake-cosign');
  writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s|" "$a"; done >> "$LOG"; echo >> "$LOG"\ncase " $* " in *" $ACCEPT "*) exit 0 ;; esac\nexit 1\n');
  chmodSync(fake, 0o755);

  const run = (image: string, accept: string) => {
    const log = path.join(dir, `log-${Math.random()}`);
    writeFileSync(log, '');
    const r = spawnSync('sh', [path.join(dir, 'verify.sh'), image], { env: { PATH: process.env.PATH, COSIGN: fake, LOG: log, ACCEPT: accept }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, calls: readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('|').slice(0, -1)) };
  };

  it('writes the script, the trusted root beside it and the attestation policy; sh -n accepts it', () => {
    expect(result.files.map((f) => f.path)).toEqual(['verify.sh', 'trusted_root.json', 'release.attestation.cue']);
    execFileSync('sh', ['-n', path.join(dir, 'verify.sh')]);
    expect(result.dropped).toEqual([]);
  });

  it('checks scope first: an image no rule covers makes no cosign call and fails', () => {
    for (const image of ['registry.example/other/app:1', 'registry.example/myorg/sub/app:1', 'registry.example/ops/toolbox:1']) {
      expect(run(image, 'https://accounts.example.com')).toMatchObject({ status: 1, calls: [] });
    }
  });

  it('accepts with the first rule whose cosign calls pass, quoting values exactly', () => {
    const r = run('registry.example/ops/tool:1.0', 'https://accounts.example.com');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('accepted by rule ops\n');
    expect(r.calls).toEqual([
      ['verify', '--trusted-root', path.join(dir, 'trusted_root.json'), '--certificate-oidc-issuer', 'https://accounts.example.com', '--certificate-identity', "o'neil@example.com", 'registry.example/ops/tool:1.0'],
    ]);
    expect(run('registry.example/shared/a/b@sha256:00', 'https://accounts.example.com').status).toBe(0);
  });

  it('verifies the signature, then the attestation with its CUE policy, with the GitHub extension flag', () => {
    const r = run('registry.example/myorg/app@sha256:ab', 'https://token.actions.githubusercontent.com');
    expect(r.status).toBe(0);
    const identity = ['--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com', '--certificate-identity-regexp', '^(?:https://github\\.com/myorg/(?s:.*))$', '--certificate-github-workflow-repository', 'myorg/app'];
    expect(r.calls).toEqual([
      ['verify', '--trusted-root', path.join(dir, 'trusted_root.json'), ...identity, 'registry.example/myorg/app@sha256:ab'],
      ['verify-attestation', '--trusted-root', path.join(dir, 'trusted_root.json'), ...identity, '--type', 'https://slsa.dev/provenance/v1', '--policy', path.join(dir, 'release.attestation.cue'), 'registry.example/myorg/app@sha256:ab'],
    ]);
    // A failing signature check stops before the attestation, and no other rule covers the image.
    expect(run('registry.example/myorg/app:1', 'nobody')).toMatchObject({ status: 1, calls: [[ 'verify', expect.anything(), expect.anything(), ...identity, 'registry.example/myorg/app:1']] });
  });

  it('refuses an image argument with a newline (grep would read two repositories)', () => {
    expect(run('registry.example/other/x\nregistry.example/ops/tool', 'https://accounts.example.com')).toMatchObject({ status: 2, calls: [] });
  });
});
