// Interop: sigstore-js 5 (the `sigstore` package and its @sigstore/sign and @sigstore/verify) against the real
// `sigbox up --dev`, on PGlite and, with TEST_DATABASE_URL, on a fresh Postgres database. Signing uses the URL
// options and the signing config Sigbox writes; verification uses only its trusted_root.json (`sigstore.verify()`
// always fetches the trusted root through TUF, packages/client/src/sigstore.ts at sigstore@5.0.0, so file-based trust
// means @sigstore/verify's Verifier). The box runs with `--signing-log v1` (the v1 log's path; both-generations.test.ts
// takes the v2 default).
import { readFile } from 'node:fs/promises';
import { type SerializedBundle, bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { bundleBuilderFromSigningConfig } from '@sigstore/sign';
import { type VerificationPolicy, Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, databaseEngines, startInteropStack } from '@sigbox/testkit';
import { attest, sign } from 'sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TlogEntryJson, closeStack, expectLogged } from './fixture.js';

const EMAIL = 'you@example.com';
const ARTIFACT = Buffer.from('hello from sigstore-js\n');
const IN_TOTO = 'application/vnd.in-toto+json';
/** What sigstore-js sends by default: 5 s per request; the tests allow a few requests and retries. */
const STEP_TIMEOUT_MS = 60_000;

const statement = Buffer.from(JSON.stringify({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'artifact', digest: { sha256: 'a'.repeat(64) } }],
  predicateType: 'https://example.com/predicate/v1',
  predicate: { builder: { id: 'sigbox-interop' } },
}));

describe.each(databaseEngines())('sigstore-js against sigbox up --dev on %s', (engine) => {
  let stack: InteropStack;
  let verifier: Verifier;
  let policy: VerificationPolicy;
  let messageBundle: SerializedBundle;

  beforeAll(async () => {
    stack = await startInteropStack(engine, { name: 'sigstore-js', args: ['--signing-log', 'v1'] });
    verifier = verifierFor(stack.trustedRoot);
    policy = { subjectAlternativeName: EMAIL, extensions: { issuer: stack.issuer } };
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(() => closeStack(stack));

  /** Every signature needs a tlog entry and an SCT, as sigstore-js's own `verify()` requires by default. */
  function verifierFor(root: object): Verifier {
    return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  }
  const verify = (bundle: SerializedBundle, data?: Buffer, by: Verifier = verifier, as: VerificationPolicy = policy) =>
    by.verify(toSignedEntity(bundleFromJSON(bundle), data), as);

  /** One entry of the expected kind, in Sigbox's log (per the server, not the bundle), under the trusted log ID. */
  const expectBundleLogged = (bundle: SerializedBundle, kind: string) =>
    expectLogged(stack, bundle.verificationMaterial.tlogEntries as TlogEntryJson[], kind);

  it('signs with sign() (Fulcio v2 with the token in the body, Rekor v1) and verifies with the trusted root', async () => {
    messageBundle = await sign(ARTIFACT, { fulcioURL: stack.url, rekorURL: stack.url, identityToken: await stack.devToken(EMAIL) });
    expect(messageBundle.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    await expectBundleLogged(messageBundle, 'hashedrekord');
    const signer = verify(messageBundle, ARTIFACT);
    expect(signer.identity).toMatchObject({ subjectAlternativeName: EMAIL, extensions: { issuer: stack.issuer } });
  }, STEP_TIMEOUT_MS);

  it('refuses a tampered artifact, another identity and another issuer', () => {
    expect(() => verify(messageBundle, Buffer.from('hello from sigstore-js, tampered\n'))).toThrow(expect.objectContaining({ code: 'SIGNATURE_ERROR' }));
    expect(() => verify(messageBundle, ARTIFACT, verifier, { ...policy, subjectAlternativeName: 'someone@example.com' })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    );
    expect(() => verify(messageBundle, ARTIFACT, verifier, { ...policy, extensions: { issuer: 'https://accounts.example.com' } })).toThrow(
      expect.objectContaining({ code: 'UNTRUSTED_SIGNER_ERROR' }),
    );
  });

  it('checks the embedded SCT and the tlog key: trust material missing either refuses the bundle', () => {
    expect(() => verify(messageBundle, ARTIFACT, verifierFor({ ...stack.trustedRoot, ctlogs: [] }))).toThrow(expect.objectContaining({ code: 'CERTIFICATE_ERROR' }));
    expect(() => verify(messageBundle, ARTIFACT, verifierFor({ ...stack.trustedRoot, tlogs: [] }))).toThrow(expect.objectContaining({ code: 'TLOG_INCLUSION_PROMISE_ERROR' }));
  });

  it('attests an in-toto statement with attest() (a dsse entry) and verifies it', async () => {
    const bundle = await attest(statement, IN_TOTO, { fulcioURL: stack.url, rekorURL: stack.url, identityToken: await stack.devToken(EMAIL) });
    await expectBundleLogged(bundle, 'dsse');
    expect(verify(bundle).identity?.subjectAlternativeName).toBe(EMAIL);
  }, STEP_TIMEOUT_MS);

  it('signs from signing_config.v0.2.json (message signature and DSSE) and verifies both', async () => {
    const signingConfig = SigningConfig.fromJSON(JSON.parse(await readFile(stack.trustFile('signing_config.v0.2.json'), 'utf8')));
    const identityProvider = { getToken: () => stack.devToken(EMAIL) };

    const message = bundleBuilderFromSigningConfig({ signingConfig, identityProvider, bundleType: 'messageSignature' });
    const signed = bundleToJSON(await message.create({ data: ARTIFACT })) as SerializedBundle;
    await expectBundleLogged(signed, 'hashedrekord');
    verify(signed, ARTIFACT);

    const dsse = bundleBuilderFromSigningConfig({ signingConfig, identityProvider, bundleType: 'dsseEnvelope' });
    const attested = bundleToJSON(await dsse.create({ data: statement, type: IN_TOTO })) as SerializedBundle;
    expect(attested.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    await expectBundleLogged(attested, 'dsse');
    verify(attested);
  }, STEP_TIMEOUT_MS);
});
