// `sigbox up --issuance-policy FILE --fulcio-config FILE`, as a user starts it: certificates only for identities the
// policy accepts, per-rule rate limits, and both files reloaded on change and on SIGHUP while requests are served.
import crypto from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { identityFromCertificate } from '@sigbox/policy';
import { type OidcIssuer, type SigboxProcess, findTool, runTool, startOidcIssuer, startSigbox } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulcioConfigOf, policyOf, requestCertificate, workflowClaims } from './helpers/issuance.js';

const TEST_TIMEOUT_MS = 60_000;
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3: go install github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3 and set the path' });

const RULES = {
  octo: `  - name: octo-main
    selector: { subject: { pattern: "https://github.com/octo-org/.+" } }
    expectations: { sourceRepositoryRef: refs/heads/main, buildTrigger: push }
`,
  limited: `  - name: limited
    selector: { subject: { glob: "https://github.com/limited-org/**" } }
    rateLimit: { certificates: 2, per: 3s }
`,
  feature: `  - name: octo-feature
    selector: { subject: { pattern: "https://github.com/octo-org/.+" } }
    expectations: { sourceRepositoryRef: refs/heads/feature }
`,
  other: `  - name: other-idp
    selector: { subject: { glob: "https://github.com/other-org/**" } }
`,
};

describe('sigbox up --issuance-policy', () => {
  let dir: string;
  let idp: OidcIssuer;
  let otherIdp: OidcIssuer;
  let sigbox: SigboxProcess;
  let policyFile: string;
  let realPolicy: string;
  let fulcioConfig: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-issuance-'));
    [idp, otherIdp] = await Promise.all([startOidcIssuer(), startOidcIssuer()]);
    // The policy path is a symlink into another folder (as a Kubernetes ConfigMap mount is): an edit of the target
    // raises no event in the watched folder, so the SIGHUP test sees the signal's reload, not the watch's.
    await mkdir(path.join(dir, 'real'));
    realPolicy = path.join(dir, 'real', 'policy.yaml');
    policyFile = path.join(dir, 'policy.yaml');
    await writeFile(realPolicy, policyOf(RULES.octo, RULES.limited));
    await symlink(realPolicy, policyFile);
    fulcioConfig = path.join(dir, 'fulcio-config.json');
    await writeFile(fulcioConfig, fulcioConfigOf(idp));
    sigbox = await startSigbox({ dataDir: path.join(dir, 'data'), args: ['--fulcio-config', fulcioConfig, '--issuance-policy', policyFile], keepStdout: true });
  }, 120_000);
  afterAll(async () => {
    await sigbox?.stop();
    await Promise.all([idp?.close(), otherIdp?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const sign = (claims: Record<string, unknown>, issuer = idp) => requestCertificate(sigbox.url, issuer, claims);
  const leafOf = (body: Record<string, any>) =>
    new Uint8Array(new crypto.X509Certificate(body.signedCertificateEmbeddedSct.chain.certificates[0]).raw);
  const ctSize = async () => ((await (await fetch(`${sigbox.url}/ct/v1/get-sth`)).json()) as { tree_size: number }).tree_size;
  const logLines = () => sigbox.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  const untilLog = async (predicate: (line: Record<string, any>) => boolean, after = 0, ms = 15_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = logLines().slice(after).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no such log line');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('refuses an identity no rule accepts: 403 with each rule\'s reason, a warning, nothing logged in CT', async () => {
    const before = await ctSize();
    const refused = await sign(workflowClaims('octo-org/app', 'refs/heads/feature'));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      code: 7,
      message: expect.stringContaining('octo-main: sourceRepositoryRef "refs/heads/feature" not accepted; limited: subject "https://github.com/octo-org/app/'),
      details: [],
    });
    const warning = await untilLog((l) => l.msg === 'signing certificate refused by the issuance policy');
    expect(warning).toMatchObject({ level: 40, issuer: idp.url, subject: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/heads/feature' });
    expect(warning.verdicts.map((v: { rule: string }) => v.rule)).toEqual(['octo-main', 'limited']);
    expect(JSON.stringify(warning)).not.toContain('eyJ'); // never the token
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await ctSize()).toBe(before);
  }, TEST_TIMEOUT_MS);

  it('issues to an accepted identity, carrying what the policy judged', async () => {
    const before = await ctSize();
    const accepted = await sign(workflowClaims('octo-org/app'));
    expect(accepted.status).toBe(200);
    const identity = identityFromCertificate(leafOf(accepted.body));
    expect(identity).toMatchObject({ issuer: idp.url, extensions: { sourceRepositoryRef: 'refs/heads/main', buildTrigger: 'push' } });
    await expect.poll(ctSize, { timeout: 10_000 }).toBe(before + 1);
  }, TEST_TIMEOUT_MS);

  it('rate-limits per rule and subject: 429 with Retry-After, then a certificate once the window slid', async () => {
    const claims = workflowClaims('limited-org/tool');
    expect((await sign(claims)).status).toBe(200);
    expect((await sign(claims)).status).toBe(200);
    const limited = await sign(claims);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 8, message: expect.stringContaining('Rate limit of rule limited reached') });
    const wait = Number(limited.retryAfter);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(3);
    // Another subject under the same rule has its own window.
    expect((await sign(workflowClaims('limited-org/other'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, wait * 1000));
    expect((await sign(claims)).status).toBe(200);
  }, TEST_TIMEOUT_MS);

  it('reloads the policy on SIGHUP', async () => {
    const claims = workflowClaims('octo-org/app', 'refs/heads/feature');
    expect((await sign(claims)).status).toBe(403);
    const mark = logLines().length;
    await writeFile(realPolicy, policyOf(RULES.octo, RULES.limited, RULES.feature));
    sigbox.child.kill('SIGHUP');
    const reloaded = await untilLog((l) => l.msg === `issuance-policy reloaded from ${policyFile}`, mark);
    expect(reloaded).toMatchObject({ level: 30, rules: 3, previousRules: 2 });
    const lines = logLines().slice(mark);
    const at = (msg: string) => lines.findIndex((l) => l.msg === msg);
    expect(at('signal received: reloading the config files')).toBeGreaterThanOrEqual(0);
    expect(at('signal received: reloading the config files')).toBeLessThan(at(`issuance-policy reloaded from ${policyFile}`));
    expect((await sign(claims)).status).toBe(200);
  }, TEST_TIMEOUT_MS);

  it('reloads on a file change with requests in flight, none failing; a bad file is refused and the old one kept', async () => {
    const mark = logLines().length;
    let writing = true;
    const statuses: number[] = [];
    const load = (async () => {
      while (writing) {
        const batch = await Promise.all(Array.from({ length: 3 }, () => sign(workflowClaims('octo-org/app'))));
        statuses.push(...batch.map((b) => b.status));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await writeFile(policyFile, policyOf(RULES.octo, RULES.limited)); // through the symlink: the watch sees the folder's event or the poll the stat
    await untilLog((l) => l.msg === `issuance-policy reloaded from ${policyFile}` && l.rules === 2, mark);
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await load;
    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect((await sign(workflowClaims('octo-org/app', 'refs/heads/feature'))).status).toBe(403);

    const badMark = logLines().length;
    await writeFile(realPolicy, `${policyOf(RULES.octo)}    typo: true\n`);
    sigbox.child.kill('SIGHUP');
    const refused = await untilLog((l) => l.level === 50 && l.file === 'issuance-policy', badMark);
    expect(refused.msg).toMatch(new RegExp(`^${policyFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:5: reload refused, keeping the previous issuance-policy`));
    const metrics = await (await fetch(`${sigbox.url}/metrics`)).text();
    expect(metrics).toContain('sigbox_config_last_reload_success{file="issuance-policy"} 0');
    expect(metrics).toMatch(/sigbox_config_reload_total\{file="issuance-policy",result="failure"\} [1-9]/);
    // The old policy (two rules: limited-org still accepted) is in force.
    expect((await sign(workflowClaims('limited-org/kept'))).status).toBe(200);
    await writeFile(realPolicy, policyOf(RULES.octo, RULES.limited));
    sigbox.child.kill('SIGHUP');
    await untilLog((l) => l.msg === `issuance-policy reloaded from ${policyFile}`, badMark);
  }, TEST_TIMEOUT_MS);

  it('reloads --fulcio-config on change: a new issuer is trusted without a restart', async () => {
    const claims = workflowClaims('other-org/app');
    const hup = logLines().length;
    await writeFile(realPolicy, policyOf(RULES.octo, RULES.limited, RULES.other));
    sigbox.child.kill('SIGHUP');
    await untilLog((l) => l.msg === `issuance-policy reloaded from ${policyFile}` && l.rules === 3, hup);
    await untilLog((l) => l.msg === `fulcio-config reloaded from ${fulcioConfig}`, hup);
    const mark = logLines().length;
    expect((await sign(claims, otherIdp)).status).toBe(400);
    await writeFile(fulcioConfig, fulcioConfigOf(idp, otherIdp));
    const reloaded = await untilLog((l) => l.msg === `fulcio-config reloaded from ${fulcioConfig}`, mark);
    expect(reloaded).toMatchObject({ issuers: 2, added: [otherIdp.url], removed: [] });
    expect((await sign(claims, otherIdp)).status).toBe(200);
    expect((await sign(workflowClaims('octo-org/app'))).status).toBe(200);
    const metrics = await (await fetch(`${sigbox.url}/metrics`)).text();
    expect(metrics).toContain('sigbox_config_last_reload_success{file="fulcio-config"} 1');
  }, TEST_TIMEOUT_MS);

  it.skipIf(COSIGN_V3 === undefined)('cosign v3 sign-blob: a refused identity gets no certificate, and cosign shows why', async () => {
    const work = await mkdtemp(path.join(dir, 'cosign-'));
    await writeFile(path.join(work, 'artifact'), 'hello');
    const trust = ['--signing-config', path.join(dir, 'data', 'signing_config.v0.2.json'), '--trusted-root', path.join(dir, 'data', 'trusted_root.json')];
    // The token in a file: a GitHub-sized JWT is longer than a file name, and cosign first tries the value as a path.
    const cosign = async (claims: Record<string, unknown>) => {
      await writeFile(path.join(work, 'token'), idp.issueToken(claims));
      return runTool(COSIGN_V3 as string, ['sign-blob', ...trust, '--identity-token', 'token', '--bundle', 'a.sigstore.json', '-y', 'artifact'], {
        cwd: work,
        env: { HOME: work, PATH: process.env.PATH },
      });
    };
    const refused = await cosign(workflowClaims('octo-org/app', 'refs/heads/feature'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('403');
    expect(refused.stderr).toContain('octo-main: sourceRepositoryRef \\"refs/heads/feature\\" not accepted');
    const signed = await cosign(workflowClaims('octo-org/app'));
    expect(signed.code, signed.stderr).toBe(0);
  }, TEST_TIMEOUT_MS);
});
