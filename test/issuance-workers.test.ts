// `sigbox up --workers 2 --issuance-policy FILE` on one PostgreSQL database: a rule's rate limit holds across the
// processes (it is counted in the database, not per process), and SIGHUP to the primary reloads every worker.
// Needs TEST_DATABASE_URL (PGlite serves a single process); CI runs it with SIGBOX_REQUIRE_POSTGRES=1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type OidcIssuer, type SigboxProcess, type TestDatabase, createTestDatabase, requirePostgres, startOidcIssuer, startSigbox } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulcioConfigOf, policyOf, requestCertificate, workflowClaims } from './helpers/issuance.js';

const HAS_POSTGRES = requirePostgres('issuance-workers.test.ts');
const TEST_TIMEOUT_MS = 60_000;
const LIMITED = `  - name: limited\n    selector: { subject: { glob: "https://github.com/limited-org/**" } }\n    rateLimit: { certificates: 3, per: 1h }\n`;
const OTHER = `  - name: other\n    selector: { subject: { glob: "https://github.com/other-org/**" } }\n`;

describe.skipIf(!HAS_POSTGRES)('sigbox up --workers 2 --issuance-policy on PostgreSQL', () => {
  let db: TestDatabase;
  let dir: string;
  let idp: OidcIssuer;
  let sigbox: SigboxProcess | undefined;
  let policyFile: string;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', migrate: false });
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-issuance-workers-'));
    idp = await startOidcIssuer();
    policyFile = path.join(dir, 'policy.yaml');
    await writeFile(policyFile, policyOf(LIMITED));
    const fulcioConfig = path.join(dir, 'fulcio-config.json');
    await writeFile(fulcioConfig, fulcioConfigOf(idp));
    sigbox = await startSigbox({
      dataDir: path.join(dir, 'data'), databaseUrl: db.url as string, keepStdout: true,
      args: ['--workers', '2', '--fulcio-config', fulcioConfig, '--issuance-policy', policyFile],
    });
  }, 150_000);
  afterAll(async () => {
    await sigbox?.stop();
    await idp?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const logLines = () => (sigbox as SigboxProcess).stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

  it('counts one rule\'s certificates across both processes: exactly the limit is issued, the rest 429', async () => {
    const url = (sigbox as SigboxProcess).url;
    const answers = await Promise.all(Array.from({ length: 10 }, () => requestCertificate(url, idp, workflowClaims('limited-org/tool'))));
    expect(answers.filter((a) => a.status === 200).length).toBe(3);
    expect(answers.filter((a) => a.status === 429).length).toBe(7);
    // Both workers answered (keep-alive connections spread over them), so a per-process count would have let 6 through.
    const pids = new Set(logLines().filter((l) => l.msg === 'request' && l.route === '/api/v2/signingCert').map((l) => l.pid));
    expect(pids.size).toBe(2);
  }, TEST_TIMEOUT_MS);

  it('reloads the policy in every worker on SIGHUP to the primary, which keeps running', async () => {
    const running = sigbox as SigboxProcess;
    await writeFile(policyFile, policyOf(LIMITED, OTHER));
    const mark = logLines().length;
    running.child.kill('SIGHUP');
    const deadline = Date.now() + 15_000;
    const reloadedPids = () => new Set(logLines().slice(mark).filter((l) => l.msg === `issuance-policy reloaded from ${policyFile}`).map((l) => l.pid));
    while (reloadedPids().size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(reloadedPids().size).toBe(2);
    expect(running.child.exitCode).toBeNull();
    for (let i = 0; i < 4; i++) expect((await requestCertificate(running.url, idp, workflowClaims('other-org/app'))).status).toBe(200);
  }, TEST_TIMEOUT_MS);
});
