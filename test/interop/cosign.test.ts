// Interop: the real cosign v3 and v2 against the real `sigbox up --dev`, on PGlite and, with TEST_DATABASE_URL, on a
// fresh Postgres database. Only the trust files Sigbox writes are given: no TUF (TUF_ROOT is an empty folder), no
// --insecure-* flag. The box runs with `--signing-log v1`: these are the v1 log's clients, cosign v3 included, as an
// operator who keeps new signatures on v1 has them (both-generations.test.ts takes the v2 default). Tests run in
// order: verification uses the bundle signed before.
import crypto from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, type ToolResult, databaseEngines, findTool, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, type TlogEntryJson, closeStack, cosignLegacyEnv, expectLogged, expectRefused, expectSuccess } from './fixture.js';

const WHY = 'keyless interop with the real client; go install github.com/sigstore/cosign/{v3,v2}/cmd/cosign and set the path';
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: `cosign v3.1.3: ${WHY}` });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: `cosign v2.6.5: ${WHY}` });
const EMAIL = 'you@example.com';

interface Bundle {
  mediaType: string;
  verificationMaterial: { tlogEntries: TlogEntryJson[] };
}
/** cosign v2's own blob bundle (cosign pkg/cosign LocalSignedPayload). */
interface LegacyBundle {
  base64Signature: string;
  cert: string;
  rekorBundle: { SignedEntryTimestamp: string; Payload: { body: string; logIndex: number; logID: string } };
}

describe.skipIf(COSIGN_V3 === undefined && COSIGN_V2 === undefined).each(databaseEngines())('cosign against sigbox up --dev on %s', (engine) => {
  let stack: InteropStack;

  beforeAll(async () => {
    stack = await startInteropStack(engine, { name: 'cosign', keepRequestLog: true, args: ['--signing-log', 'v1'] });
    await writeFile(path.join(stack.work, 'artifact'), 'hello from cosign\n');
    await writeFile(path.join(stack.work, 'tampered'), 'hello from cosign, tampered\n');
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(() => closeStack(stack));

  const cosign = (binary: string | undefined, args: string[], env: Record<string, string> = {}) => stack.runClient(binary as string, args, env);
  const ok = (result: ToolResult) => expectSuccess(result, stack);
  const expectIdentity = (identity = EMAIL, oidcIssuer = stack.issuer) => ['--certificate-identity', identity, '--certificate-oidc-issuer', oidcIssuer];
  const readBundle = async (name: string) => JSON.parse(await readFile(path.join(stack.work, name), 'utf8')) as Bundle;

  describe.skipIf(COSIGN_V3 === undefined)('cosign v3 with the signing config and trusted root', () => {
    const verifyArgs = (bundle: string, artifact = 'artifact', trustedRootFile = stack.trustFile('trusted_root.json')) => [
      'verify-blob', '--trusted-root', trustedRootFile, '--bundle', bundle, ...expectIdentity(), artifact,
    ];

    it('signs a blob: a v0.3 bundle whose hashedrekord entry is in the log', async () => {
      ok(await cosign(COSIGN_V3, [
        'sign-blob', '--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json'),
        '--identity-token', await stack.devToken(EMAIL), '--bundle', 'v3.sigstore.json', '-y', 'artifact',
      ]));
      const bundle = await readBundle('v3.sigstore.json');
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      await expectLogged(stack, bundle.verificationMaterial.tlogEntries, 'hashedrekord');
      expect(stack.requestLog()).toContain('"path":"/api/v2/signingCert","route":"/api/v2/signingCert","status":200');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('verifies it, and refuses a tampered artifact, another identity and another issuer', async () => {
      const verified = await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json'));
      ok(verified);
      expect(verified.stderr).toContain('Verified OK');
      expectRefused(await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json', 'tampered')), 'invalid signature');
      const otherIdentity = verifyArgs('v3.sigstore.json').map((a) => (a === EMAIL ? 'someone@example.com' : a));
      expectRefused(await cosign(COSIGN_V3, otherIdentity), `expected SAN value "someone@example.com", got "${EMAIL}"`);
      const otherIssuer = verifyArgs('v3.sigstore.json').map((a) => (a === stack.issuer ? 'https://accounts.example.com' : a));
      expectRefused(await cosign(COSIGN_V3, otherIssuer), 'no matching CertificateIdentity found');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('checks the embedded SCT: a trusted root without the CT log refuses the bundle', async () => {
      const withoutCt = path.join(stack.work, 'trusted_root.no-ct.json');
      await writeFile(withoutCt, JSON.stringify({ ...stack.trustedRoot, ctlogs: [] }));
      expectRefused(await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json', 'artifact', withoutCt)), 'unable to meet threshold of 1');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests a blob with an in-toto predicate (a dsse entry) and verifies the attestation', async () => {
      const type = 'https://example.com/predicate/v1';
      await writeFile(path.join(stack.work, 'predicate.json'), JSON.stringify({ builder: { id: 'sigbox-interop' } }));
      ok(await cosign(COSIGN_V3, [
        'attest-blob', '--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json'),
        '--identity-token', await stack.devToken(EMAIL), '--predicate', 'predicate.json', '--type', type,
        '--bundle', 'attestation.sigstore.json', '-y', 'artifact',
      ]));
      await expectLogged(stack, (await readBundle('attestation.sigstore.json')).verificationMaterial.tlogEntries, 'dsse');
      const verifyAttestation = (artifact: string) => [
        'verify-blob-attestation', '--trusted-root', stack.trustFile('trusted_root.json'), '--bundle', 'attestation.sigstore.json',
        '--type', type, ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V3, verifyAttestation('artifact')));
      expect((await cosign(COSIGN_V3, verifyAttestation('tampered'))).code).toBe(1);
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V2 === undefined)('cosign v2', () => {
    const signArgs = async (bundle: string) => [
      'sign-blob', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL),
      '--bundle', bundle, '-y', 'artifact',
    ];

    it('signs with URL flags and the trusted root (protobuf bundle) through Fulcio v1, and verifies', async () => {
      const v1Calls = () => stack.requestLog().split('"route":"/api/v1/signingCert","status":201').length;
      const before = v1Calls();
      const signed = await cosign(COSIGN_V2, [...(await signArgs('v2.sigstore.json')), '--trusted-root', stack.trustFile('trusted_root.json'), '--new-bundle-format']);
      ok(signed);
      expect(signed.stderr).toContain('Successfully verified SCT');
      expect(v1Calls()).toBe(before + 1);
      await expectLogged(stack, (await readBundle('v2.sigstore.json')).verificationMaterial.tlogEntries, 'hashedrekord');

      const verify = (artifact: string, identity = EMAIL) => [
        'verify-blob', '--new-bundle-format', '--trusted-root', stack.trustFile('trusted_root.json'), '--bundle', 'v2.sigstore.json', ...expectIdentity(identity), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact')));
      expectRefused(await cosign(COSIGN_V2, verify('tampered')), 'invalid signature');
      expectRefused(await cosign(COSIGN_V2, verify('artifact', 'someone@example.com')), 'expected SAN value "someone@example.com"');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('signs on the legacy path (per-key files, cosign bundle with a SET) and verifies from its SET', async () => {
      const signed = await cosign(COSIGN_V2, await signArgs('v2.bundle'), cosignLegacyEnv(stack));
      ok(signed);
      expect(signed.stderr).toContain('Successfully verified SCT');
      const bundle = JSON.parse(await readFile(path.join(stack.work, 'v2.bundle'), 'utf8')) as LegacyBundle;
      const logId = Buffer.from(stack.trustedRoot.tlogs[0]?.logId.keyId as string, 'base64').toString('hex');
      expect(bundle.rekorBundle.Payload.logID).toBe(logId);
      expect(await stack.loggedBody(bundle.rekorBundle.Payload.logIndex)).toBe(bundle.rekorBundle.Payload.body);
      const certificate = new crypto.X509Certificate(Buffer.from(bundle.cert, 'base64'));
      expect(certificate.subjectAltName).toBe(`email:${EMAIL}`);

      const verify = (artifact: string, identity = EMAIL) => ['verify-blob', '--rekor-url', stack.url, '--bundle', 'v2.bundle', ...expectIdentity(identity), artifact];
      ok(await cosign(COSIGN_V2, verify('artifact'), cosignLegacyEnv(stack)));
      // The SET in the bundle suffices: no online lookup (cosign v2 falls back to POST /api/v1/log/entries/retrieve).
      expect(stack.requestLog()).not.toContain('/api/v1/log/entries/retrieve');
      expectRefused(await cosign(COSIGN_V2, verify('tampered'), cosignLegacyEnv(stack)), 'matching bundle to payload');
      expectRefused(await cosign(COSIGN_V2, verify('artifact', 'someone@example.com'), cosignLegacyEnv(stack)), 'none of the expected identities matched');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('verifies online when given only signature and certificate: the log is searched (entries/retrieve)', async () => {
      ok(await cosign(COSIGN_V2, [
        'sign-blob', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL),
        '--output-signature', 'online.sig', '--output-certificate', 'online.pem', '-y', 'artifact',
      ], cosignLegacyEnv(stack)));
      const verify = (artifact: string) => [
        'verify-blob', '--rekor-url', stack.url, '--signature', 'online.sig', '--certificate', 'online.pem', ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact'), cosignLegacyEnv(stack)));
      expect(stack.requestLog()).toContain('"route":"/api/v1/log/entries/retrieve","status":200');
      expect((await cosign(COSIGN_V2, verify('tampered'), cosignLegacyEnv(stack))).code).toBe(1);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests on the legacy path (a dsse entry) and verifies the attestation', async () => {
      const type = 'https://example.com/predicate/v1';
      await writeFile(path.join(stack.work, 'predicate.v2.json'), JSON.stringify({ builder: { id: 'sigbox-interop' } }));
      ok(await cosign(COSIGN_V2, [
        'attest-blob', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL),
        '--predicate', 'predicate.v2.json', '--type', type, '--bundle', 'attestation.v2.bundle', '-y', 'artifact',
      ], cosignLegacyEnv(stack)));
      const bundle = JSON.parse(await readFile(path.join(stack.work, 'attestation.v2.bundle'), 'utf8')) as LegacyBundle;
      const body = JSON.parse(Buffer.from(bundle.rekorBundle.Payload.body, 'base64').toString()) as { kind: string; apiVersion: string };
      expect(body).toMatchObject({ kind: 'dsse', apiVersion: '0.0.1' });
      const verify = (artifact: string) => [
        'verify-blob-attestation', '--rekor-url', stack.url, '--bundle', 'attestation.v2.bundle', '--type', type, ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact'), cosignLegacyEnv(stack)));
      expect((await cosign(COSIGN_V2, verify('tampered'), cosignLegacyEnv(stack))).code).toBe(1);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('checks the SET on the legacy path: another key as rekor.pub refuses the bundle', async () => {
      const env = { ...cosignLegacyEnv(stack), SIGSTORE_REKOR_PUBLIC_KEY: stack.trustFile('ctfe.pub') };
      expectRefused(await cosign(COSIGN_V2, ['verify-blob', '--rekor-url', stack.url, '--bundle', 'v2.bundle', ...expectIdentity(), 'artifact'], env), 'rekor log public key not found');
    }, CLIENT_STEP_TIMEOUT_MS);
  });
});
