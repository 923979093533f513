import 'reflect-metadata';
import crypto from 'node:crypto';
import { createIssuerRegistry, loadIssuerConfig, verifyToken } from '@sigbox/oidc';
import { identityFromCertificate, parsePolicy } from '@sigbox/policy';
import { type OidcIssuer, type TestCa, createTestCa, startOidcIssuer, validityAround } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaService } from '../ca-service.js';
import { CaError } from '../errors.js';
import { parseSigningRequestV2 } from '../signing-request.js';
import { createPolicyGate } from './issuance-gate.js';
import { identityOfPrincipal } from './principal-identity.js';

// A GitHub Actions token as fulcio's github-workflow type reads it (packages/oidc identity-types.test.ts).
const WORKFLOW = 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main';
const CLAIMS = {
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', job_workflow_ref: WORKFLOW, job_workflow_sha: 'b5f8a0c1', sha: 'e3b0c442',
  event_name: 'push', repository: 'octo-org/octo-repo', workflow: 'Release', ref: 'refs/heads/main', runner_environment: 'github-hosted',
  repository_id: '74', repository_owner: 'octo-org', repository_owner_id: '65', repository_visibility: 'public', workflow_ref: WORKFLOW,
  workflow_sha: 'b5f8a0c1', run_id: '9876543210', run_attempt: '1', email: undefined, email_verified: undefined,
};

const POLICY = `apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: octo-release
    selector:
      subject: { pattern: "https://github.com/octo-org/.+" }
    expectations:
      sourceRepositoryRef: [refs/heads/main, { glob: "refs/tags/v*" }]
      buildTrigger: push
      runnerEnvironment: github-hosted
  - name: break-glass
    selector:
      subject: oncall@example.com
`;

let idp: OidcIssuer;
let testCa: TestCa;
beforeAll(async () => {
  idp = await startOidcIssuer();
  testCa = await createTestCa({ algorithm: 'ecdsa-p256', validity: validityAround() });
});
afterAll(() => idp?.close());

const workflowIssuers = () =>
  createIssuerRegistry(loadIssuerConfig(JSON.stringify({ OIDCIssuers: { [idp.url]: { IssuerURL: idp.url, ClientID: 'sigstore', Type: 'github-workflow' } } })));

function service() {
  const issuers = workflowIssuers();
  return createCaService({ issuers, signer: testCa.intermediate.signer, chainDer: testCa.chainDer, gate: createPolicyGate({ policy: parsePolicy(POLICY) }) });
}

function request(claims: Record<string, unknown>) {
  const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const pop = crypto.sign('sha256', Buffer.from(String(claims.sub)), key.privateKey).toString('base64');
  const body = { publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: pem }, proofOfPossession: pop } };
  return parseSigningRequestV2(body, `Bearer ${idp.issueToken(claims)}`);
}

describe('issuance policy gate', () => {
  it('issues to an accepted workflow, and judged exactly what the certificate carries', async () => {
    const issued = await service().issueSigningCertificate(request(CLAIMS));
    const identity = identityFromCertificate(issued.chainDer[0]!);
    expect(identity.subject).toBe(`https://github.com/${WORKFLOW}`);
    expect(identity.extensions?.sourceRepositoryRef).toBe('refs/heads/main');
    // The gate judged the rendered extensions: the same identity read back from the leaf is accepted too.
    const issuers = workflowIssuers();
    const principal = await verifyToken(issuers, idp.issueToken(CLAIMS));
    expect(identityOfPrincipal(principal)).toEqual(identity);
  });

  it('refuses a branch the rule does not accept: 403 IDENTITY_NOT_ACCEPTED naming each rule and its first failing field', async () => {
    const error = await service().issueSigningCertificate(request({ ...CLAIMS, ref: 'refs/heads/feature' })).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CaError);
    const refusal = error as CaError;
    expect(refusal.code).toBe('IDENTITY_NOT_ACCEPTED');
    expect(refusal.status).toBe(403);
    expect(refusal.message).toBe(
      `No rule of the issuance policy accepts issuer "${idp.url}" subject "https://github.com/${WORKFLOW}": ` +
        'octo-release: sourceRepositoryRef "refs/heads/feature" not accepted; break-glass: subject "https://github.com/' + WORKFLOW + '" not selected',
    );
    expect(refusal.details).toMatchObject({ issuer: idp.url, subject: `https://github.com/${WORKFLOW}` });
    expect((refusal.details?.verdicts as unknown[]).length).toBe(2);
  });

  it('refuses before signing: a refused identity never reaches the CT seam', async () => {
    const issuers = workflowIssuers();
    let logged = 0;
    const ca = createCaService({
      issuers, signer: testCa.intermediate.signer, chainDer: testCa.chainDer, gate: createPolicyGate({ policy: parsePolicy(POLICY) }),
      sctIssuer: { logPrecertificate: async () => ((logged += 1), new Uint8Array(0)) },
    });
    await expect(ca.issueSigningCertificate(request({ ...CLAIMS, event_name: 'pull_request_target' }))).rejects.toMatchObject({ code: 'IDENTITY_NOT_ACCEPTED' });
    expect(logged).toBe(0);
  });

  it('frees the rate-limit slot when the issuance fails after admission, keeps it when it succeeds', async () => {
    const settled: boolean[] = [];
    const issuers = workflowIssuers();
    const gate = { admit: async () => ({ settle: async (issued: boolean) => void settled.push(issued) }) };
    const failing = createCaService({ issuers, signer: testCa.intermediate.signer, chainDer: testCa.chainDer, gate, sctIssuer: { logPrecertificate: () => Promise.reject(new Error('CT down')) } });
    await expect(failing.issueSigningCertificate(request(CLAIMS))).rejects.toMatchObject({ code: 'CT_LOG' });
    const working = createCaService({ issuers, signer: testCa.intermediate.signer, chainDer: testCa.chainDer, gate });
    await working.issueSigningCertificate(request(CLAIMS));
    expect(settled).toEqual([false, true]);
  });
});
