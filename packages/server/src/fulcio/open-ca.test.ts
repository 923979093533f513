import crypto from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type OidcIssuer, type TestCa, createTestCa, startOidcIssuer } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { StartError } from '../error.js';
import { createReloadMetrics } from '../reload/reload-metrics.js';
import { openCa } from './open-ca.js';

const POLICY = (subject: string) => `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: only\n    selector: { subject: ${subject} }\n`;

let dir: string;
let idp: OidcIssuer;
let testCa: TestCa;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sigbox-open-ca-'));
  idp = await startOidcIssuer();
  testCa = await createTestCa();
});
afterAll(async () => {
  await idp?.close();
  await rm(dir, { recursive: true, force: true });
});

const loaded = () => ({ signer: testCa.intermediate.signer, chainDer: testCa.chainDer, close: async () => undefined });

async function open(policyText: string) {
  const file = path.join(dir, `policy-${crypto.randomUUID()}.yaml`);
  await writeFile(file, policyText);
  const fulcioConfig = path.join(dir, 'fulcio.json');
  await writeFile(fulcioConfig, JSON.stringify({ OIDCIssuers: { [idp.url]: { IssuerURL: idp.url, ClientID: 'sigstore', Type: 'email' } } }));
  const ca = await openCa(loaded(), { fulcioConfig, issuancePolicy: file, reloadMetrics: createReloadMetrics(new Registry()), logger: captureLogger().logger });
  return { ca, file };
}

/** One v2 signingCert call through the app, as a client makes it; the answer's status. */
async function sign(ca: Awaited<ReturnType<typeof openCa>>, email: string): Promise<number> {
  const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = {
    credentials: { oidcIdentityToken: idp.issueToken({ email }) },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: key.publicKey.export({ format: 'pem', type: 'spki' }) },
      proofOfPossession: crypto.sign('sha256', Buffer.from(email), key.privateKey).toString('base64'),
    },
  };
  const app = createApp({ logger: captureLogger().logger, apis: [ca.api] });
  return (await request(app).post('/api/v2/signingCert').set('Content-Type', 'application/json').send(body)).status;
}

describe('openCa with an issuance policy', () => {
  it('refuses to start on a bad policy, naming file:line:column', async () => {
    const error = await open(`${POLICY('a@example.com')}    typo: 1\n`).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(StartError);
    expect((error as StartError).code).toBe('CONFIG_UNUSABLE');
    expect((error as StartError).message).toMatch(/^cannot load the issuance policy .*policy-[^:]+\.yaml:6:5: 6:5: /);
  });

  it('reload() puts a changed policy in force for the next requests', async () => {
    const { ca, file } = await open(POLICY('a@example.com'));
    try {
      expect(await sign(ca, 'a@example.com')).toBe(200);
      expect(await sign(ca, 'b@example.com')).toBe(403);
      await writeFile(file, POLICY('b@example.com'));
      await ca.reload();
      expect(await sign(ca, 'b@example.com')).toBe(200);
      expect(await sign(ca, 'a@example.com')).toBe(403);
    } finally {
      ca.close();
    }
  });
});
