// Interop: `sigbox monitor --images` against the real docker-registry 2.8 (filled with skopeo) and `sigbox up --dev`:
// of two tags of one repository, the one cosign v3 signed as the policy's identity passes, the unsigned one alerts
// (exit 1), once per digest; cosign's own signature tags are not images.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, findTool, spawnSigbox, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, closeStack, expectSuccess } from './fixture.js';
import { type OciRegistry, pushImage, resolveDigest, startRegistry, writeOciImage } from './oci-registry.js';

const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3: go install github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3 and set the path' });
const REGISTRY_WHY = 'a real OCI registry; apt-get install docker-registry skopeo';
const DOCKER_REGISTRY = findTool({ command: 'docker-registry', why: REGISTRY_WHY });
const SKOPEO = findTool({ command: 'skopeo', why: REGISTRY_WHY });
const EMAIL = 'you@example.com';

describe.skipIf(COSIGN_V3 === undefined || DOCKER_REGISTRY === undefined || SKOPEO === undefined)('sigbox monitor --images', () => {
  let stack: InteropStack;
  let registry: OciRegistry;
  const digests: Record<'signed' | 'unsigned', string> = { signed: '', unsigned: '' };

  beforeAll(async () => {
    stack = await startInteropStack('pglite', { name: 'monitor-images' });
    const registryDir = path.join(stack.dir, 'registry');
    await mkdir(registryDir);
    registry = await startRegistry(DOCKER_REGISTRY as string, registryDir);
    for (const tag of ['signed', 'unsigned'] as const) {
      const layout = path.join(stack.dir, `layout-${tag}`);
      await writeOciImage(layout, tag, `monitor-${tag}`);
      await pushImage(SKOPEO as string, layout, tag, `${registry.host}/sigbox/app:${tag}`, stack.work);
      digests[tag] = await resolveDigest(registry.host, 'sigbox/app', tag);
    }
    const trust = ['--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json')];
    const signed = await stack.runClient(COSIGN_V3 as string, ['sign', ...trust, '--identity-token', await stack.devToken(EMAIL), '-y', `${registry.host}/sigbox/app@${digests.signed}`]);
    expectSuccess(signed, stack);
  }, INTEROP_STACK_START_TIMEOUT_MS + CLIENT_STEP_TIMEOUT_MS);
  afterAll(async () => {
    await registry?.stop();
    await closeStack(stack);
  });

  it('alerts on the unsigned image only, exit 1, and names its digest', async () => {
    const policy = path.join(stack.work, 'policy.yaml');
    await writeFile(policy, `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: dev\n    selector: { issuer: ${stack.issuer}, subject: ${EMAIL} }\n`);
    const proc = spawnSigbox(
      ['monitor', '--log', stack.url, '--policy', policy, '--images', `${registry.host}/sigbox/app`, '--state', path.join(stack.work, 'state.json'), '--once'],
      { keepStdout: true, env: { HOME: stack.home } },
    );
    const code = await proc.exited();
    const alerts = proc.stdout().split('\n').filter((l) => l.includes('"alert"')).map((l) => (JSON.parse(l) as { alert: { kind: string; id: string; details: { image: string } } }).alert);
    expect(code, proc.stderr()).toBe(1);
    expect(alerts.map((a) => [a.kind, a.details.image])).toEqual([['unsigned-image', `${registry.host}/sigbox/app:unsigned@${digests.unsigned}`]]);
    expect(alerts[0]?.id).toBe(`unsigned-image:${registry.host}/sigbox/app@${digests.unsigned}`);
  }, CLIENT_STEP_TIMEOUT_MS);
});
