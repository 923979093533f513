// Interop: today's Sigstore beside yesterday's, against ONE `sigbox up --dev` per database engine. cosign v3,
// sigstore-python and sigstore-js take the signing config Sigbox writes, which lists the Rekor v2 log
// (majorApiVersion 2), the v1 log and the TSA: the Go and Python clients pick the highest version, so their bundles
// carry a hashedrekord 0.0.2 entry of the v2 log and an RFC 3161 timestamp. cosign v2 signs to the v1 log with URL
// flags in the same run, and every bundle verifies with the same trusted_root.json. Each client also refuses a
// timestamp from another TSA, a v2 entry under another log key and a tampered artifact. With litewitness (torchwood
// v0.6.1, installed by .ci/run) the box runs with --witness-policy: v2 answers carry its cosignature, which verifies
// with the witness's own vkey, and every client still verifies. No TUF, no --insecure-* flag.
// Tests run in order: verification uses what was signed before.
import crypto from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SerializedBundle, bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { bundleBuilderFromSigningConfig } from '@sigstore/sign';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { createKeySigner } from '@sigbox/core';
import { createNoteVerifier, formatVerifierKey, openCheckpoint, parseCosignatureVerifierKey } from '@sigbox/merkle';
import { createTsaChain } from '@sigbox/tsa';
import {
  INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, type Litewitness, type ToolResult, databaseEngines, findTool, litewitnessTools, startInteropStack, startLitewitness,
} from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, type TlogEntryJson, closeStack, expectLogged, expectLoggedV2, expectSuccess } from './fixture.js';

const WHY = 'interop with the real client; go install github.com/sigstore/cosign/{v3,v2}/cmd/cosign and set the path';
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: `cosign v3.1.3: ${WHY}` });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: `cosign v2.6.5: ${WHY}` });
const SIGSTORE_PYTHON = findTool({
  env: 'SIGSTORE_PYTHON',
  why: 'sigstore-python 4.5.1: pip install sigstore==4.5.1 into a virtual environment and set the path of its bin/sigstore',
});
const LITEWITNESS = litewitnessTools();
const EMAIL = 'you@example.com';
/** sigstore-python prints through rich, which wraps at the terminal width: wide enough to keep a message on one line. */
const CONSOLE_COLUMNS = '1000';

interface TlogJson {
  baseUrl: string;
  logId: { keyId: string };
  publicKey: { rawBytes: string; keyDetails: string };
}
interface TrustedRootFile {
  tlogs: TlogJson[];
  timestampAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }>;
  [field: string]: unknown;
}
interface Bundle {
  mediaType: string;
  verificationMaterial: {
    tlogEntries: Array<TlogEntryJson & { integratedTime?: string; inclusionPromise?: unknown; inclusionProof: { checkpoint: { envelope: string } } }>;
    timestampVerificationData?: { rfc3161Timestamps?: Array<{ signedTimestamp: string }> };
  };
}

describe.each(databaseEngines())('both log generations and the TSA in one sigbox up --dev on %s', (engine) => {
  let stack: InteropStack;
  let witness: Litewitness | undefined;
  let trustedRoot: TrustedRootFile;
  let v2Log: TlogJson;
  /** Trusted roots with one part replaced by another's: each client must refuse what that part vouched for. */
  let otherTsaRoot: string;
  let otherV2KeyRoot: string;

  beforeAll(async () => {
    const args: string[] = [];
    if (LITEWITNESS !== undefined) {
      witness = await startLitewitness(LITEWITNESS, { name: 'witness.sigbox.test' });
      const policy = path.join(await mkdtemp(path.join(tmpdir(), 'sigbox-witness-policy-')), 'witnesses');
      await writeFile(policy, `witness w ${witness.vkey} ${witness.url}\nquorum w\n`);
      args.push('--witness-policy', policy);
    }
    stack = await startInteropStack(engine, { name: 'generations', keepRequestLog: true, args });
    trustedRoot = JSON.parse(await readFile(stack.trustFile('trusted_root.json'), 'utf8')) as TrustedRootFile;
    const v2 = trustedRoot.tlogs.find((t) => t.publicKey.keyDetails === 'PKIX_ED25519');
    if (v2 === undefined) throw new Error('trusted_root.json lists no Ed25519 (Rekor v2) log');
    v2Log = v2;
    // The operator's step: the witness learns the log's origin and note key, as the box logs them at start.
    const logged = stack.requestLog().split('\n').filter((l) => l.includes('"msg":"Rekor v2 log"')).map((l) => JSON.parse(l) as { origin: string; vkey: string });
    expect(logged).toEqual([{ ...logged[0], origin: origin(), vkey: formatVerifierKey(origin(), v2PublicKey()) }]);
    await witness?.addLog(logged[0]?.origin ?? '', logged[0]?.vkey ?? '');
    await writeFile(path.join(stack.work, 'artifact'), 'hello from both generations\n');
    await writeFile(path.join(stack.work, 'tampered'), 'hello from both generations, tampered\n');
    otherTsaRoot = await writeRoot('trusted_root.other-tsa.json', { ...trustedRoot, timestampAuthorities: [await otherTsa(trustedRoot)] });
    const otherKey = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    otherV2KeyRoot = await writeRoot('trusted_root.other-v2-key.json', {
      ...trustedRoot,
      tlogs: trustedRoot.tlogs.map((t) => (t === v2Log ? { ...t, publicKey: { ...t.publicKey, rawBytes: otherKey } } : t)),
    });
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(async () => {
    await closeStack(stack);
    await witness?.close();
  });

  const origin = () => new URL(v2Log.baseUrl).hostname;
  const v2PublicKey = () => crypto.createPublicKey({ key: Buffer.from(v2Log.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });

  async function writeRoot(name: string, root: object): Promise<string> {
    const file = path.join(stack.work, name);
    await writeFile(file, JSON.stringify(root));
    return file;
  }
  const ok = (result: ToolResult) => expectSuccess(result, stack);
  /** The client refused, for the reason given (stderr with its whitespace folded: sigstore-python wraps and pads). */
  const refused = (result: ToolResult, reason: string) => {
    expect(result.code, `${result.stdout}\n${result.stderr}`).not.toBe(0);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain(reason);
  };
  const readBundle = async (name: string) => JSON.parse(await readFile(path.join(stack.work, name), 'utf8')) as Bundle;

  /** A v2 entry (fixture's expectLoggedV2) whose checkpoint names the log's origin, signed by its key and, with a witness, cosigned. */
  async function expectV2Entry(bundle: Bundle, mediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json'): Promise<void> {
    expect(bundle.mediaType).toBe(mediaType);
    const entry = await expectLoggedV2(stack, bundle.verificationMaterial);
    expect(entry.logId.keyId).toBe(v2Log.logId.keyId);
    expect(bundle.verificationMaterial.tlogEntries[0]?.inclusionPromise ?? null).toBeNull();
    const envelope = bundle.verificationMaterial.tlogEntries[0]?.inclusionProof.checkpoint.envelope ?? '';
    expect(envelope.split('\n')[0]).toBe(origin());
    // Signed by the log's key; with a witness, cosigned too (its line verifies with the vkey litewitness printed).
    const opened = openCheckpoint(envelope, [createNoteVerifier(origin(), v2PublicKey()), ...(witness ? [parseCosignatureVerifierKey(witness.vkey)] : [])]);
    expect(opened.verifiedBy.map((v) => v.name)).toEqual([origin(), ...(witness ? [witness.name] : [])]);
  }

  describe.skipIf(COSIGN_V3 === undefined)('cosign v3: the v2 log and a TSA timestamp, by signing config and trusted root', () => {
    const cosign = (args: string[]) => stack.runClient(COSIGN_V3 as string, args);
    const trust = () => ['--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json')];
    const identity = ['--certificate-identity', EMAIL, '--certificate-oidc-issuer-regexp', '.*'];
    const verifyBlob = (artifact: string, root = stack.trustFile('trusted_root.json')) =>
      ['verify-blob', '--trusted-root', root, '--bundle', 'v3.sigstore.json', ...identity, artifact];

    it('signs a blob: a v0.3 bundle with a v2 entry and an RFC 3161 timestamp', async () => {
      ok(await cosign(['sign-blob', ...trust(), '--identity-token', await stack.devToken(EMAIL), '--bundle', 'v3.sigstore.json', '-y', 'artifact']));
      await expectV2Entry(await readBundle('v3.sigstore.json'));
      expect(stack.requestLog()).toContain('"route":"/api/v2/log/entries","status":201');
      expect(stack.requestLog()).toContain('"route":"/api/v1/timestamp","status":200');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('verifies it; refuses a tampered artifact, another TSA and another v2 log key', async () => {
      const verified = await cosign(verifyBlob('artifact'));
      ok(verified);
      expect(verified.stderr).toContain('Verified OK');
      refused(await cosign(verifyBlob('tampered')), 'invalid signature when validating ASN.1 encoded signature');
      refused(await cosign(verifyBlob('artifact', otherTsaRoot)), 'threshold not met for verified signed timestamps: 0 < 1');
      refused(await cosign(verifyBlob('artifact', otherV2KeyRoot)), 'unverified checkpoint signature');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests a blob to the v2 log (hashedrekord over the DSSE PAE) and verifies the attestation', async () => {
      const type = 'https://example.com/predicate/v1';
      await writeFile(path.join(stack.work, 'predicate.json'), JSON.stringify({ builder: { id: 'sigbox-interop' } }));
      ok(await cosign([
        'attest-blob', ...trust(), '--identity-token', await stack.devToken(EMAIL), '--predicate', 'predicate.json', '--type', type,
        '--bundle', 'attestation.sigstore.json', '-y', 'artifact',
      ]));
      await expectV2Entry(await readBundle('attestation.sigstore.json'));
      const verify = (artifact: string) => [
        'verify-blob-attestation', '--trusted-root', stack.trustFile('trusted_root.json'), '--bundle', 'attestation.sigstore.json',
        '--type', type, ...identity, artifact,
      ];
      ok(await cosign(verify('artifact')));
      refused(await cosign(verify('tampered')), 'provided artifact digests do not match digests in statement');
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V2 === undefined)('cosign v2 in the same run: the v1 log, with URL flags', () => {
    it('signs to the v1 log and verifies with the same trusted root', async () => {
      const cosign = (args: string[]) => stack.runClient(COSIGN_V2 as string, args);
      ok(await cosign([
        'sign-blob', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL),
        '--trusted-root', stack.trustFile('trusted_root.json'), '--new-bundle-format', '--bundle', 'v2.sigstore.json', '-y', 'artifact',
      ]));
      const bundle = await readBundle('v2.sigstore.json');
      await expectLogged(stack, bundle.verificationMaterial.tlogEntries, 'hashedrekord', trustedRoot.tlogs.find((t) => t !== v2Log)?.logId.keyId);
      const verify = (artifact: string) => [
        'verify-blob', '--new-bundle-format', '--trusted-root', stack.trustFile('trusted_root.json'), '--bundle', 'v2.sigstore.json',
        '--certificate-identity', EMAIL, '--certificate-oidc-issuer', stack.issuer, artifact,
      ];
      ok(await cosign(verify('artifact')));
      refused(await cosign(verify('tampered')), 'invalid signature when validating ASN.1 encoded signature');
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe.skipIf(SIGSTORE_PYTHON === undefined)('sigstore-python: the v2 log and the TSA from trust_config.json', () => {
    /** `sigstore --trust-config <file> args…` with the trust config Sigbox writes, or one with another trusted root. */
    async function sigstore(args: string[], root?: string): Promise<ToolResult> {
      let config = stack.trustFile('trust_config.json');
      if (root !== undefined) {
        const trustConfig = JSON.parse(await readFile(config, 'utf8')) as { trustedRoot: unknown };
        config = await writeRoot(`trust_config.${path.basename(root)}`, { ...trustConfig, trustedRoot: JSON.parse(await readFile(root, 'utf8')) });
      }
      return stack.runClient(SIGSTORE_PYTHON as string, ['--trust-config', config, ...args], {
        XDG_CACHE_HOME: path.join(stack.home, 'cache'),
        XDG_DATA_HOME: path.join(stack.home, 'data'),
        XDG_CONFIG_HOME: path.join(stack.home, 'config'),
        COLUMNS: CONSOLE_COLUMNS,
      });
    }
    const verify = (artifact: string) => [
      'verify', 'identity', '--bundle', 'python.sigstore.json', '--cert-identity', EMAIL, '--cert-oidc-issuer', stack.issuer, artifact,
    ];

    it('signs through the v2 log and the TSA, and verifies', async () => {
      ok(await sigstore(['sign', '--identity-token', await stack.devToken(EMAIL), '--bundle', 'python.sigstore.json', 'artifact']));
      await expectV2Entry(await readBundle('python.sigstore.json'));
      ok(await sigstore(verify('artifact')));
    }, CLIENT_STEP_TIMEOUT_MS);

    it('refuses a tampered artifact, another TSA and another v2 log key', async () => {
      refused(await sigstore(verify('tampered')), 'Bundle message digest mismatch');
      refused(await sigstore(verify('artifact'), otherTsaRoot), 'not enough sources of verified time');
      refused(await sigstore(verify('artifact'), otherV2KeyRoot), 'checkpoint: invalid signature');
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe('sigstore-js: the v2 log and the TSA from signing_config.v0.2.json', () => {
    const data = Buffer.from('hello from sigstore-js, both generations\n');
    const statement = Buffer.from(JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'artifact', digest: { sha256: crypto.createHash('sha256').update(data).digest('hex') } }],
      predicateType: 'https://example.com/predicate/v1',
      predicate: { builder: { id: 'sigbox-interop' } },
    }));
    let signed: SerializedBundle;
    let attested: SerializedBundle;
    const verifier = async (root: string | object) => {
      const json = typeof root === 'string' ? (JSON.parse(await readFile(root, 'utf8')) as object) : root;
      return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(json)), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    };
    const verify = async (bundle: SerializedBundle, artifact: Buffer | undefined, root: string | object = trustedRoot) =>
      (await verifier(root)).verify(toSignedEntity(bundleFromJSON(bundle), artifact), { subjectAlternativeName: EMAIL });
    const builder = async (bundleType: 'messageSignature' | 'dsseEnvelope') => bundleBuilderFromSigningConfig({
      signingConfig: SigningConfig.fromJSON(JSON.parse(await readFile(stack.trustFile('signing_config.v0.2.json'), 'utf8'))),
      identityProvider: { getToken: () => stack.devToken(EMAIL) },
      bundleType,
    });

    it('signs a message and a DSSE envelope through the v2 log and the TSA, and verifies both', async () => {
      signed = bundleToJSON(await (await builder('messageSignature')).create({ data })) as SerializedBundle;
      // sigstore-js labels a message-signature bundle v0.2 whatever its entry (@sigstore/sign bundler/message.ts).
      await expectV2Entry(signed as unknown as Bundle, 'application/vnd.dev.sigstore.bundle+json;version=0.2');
      expect((await verify(signed, data)).identity?.subjectAlternativeName).toBe(EMAIL);
      attested = bundleToJSON(await (await builder('dsseEnvelope')).create({ data: statement, type: 'application/vnd.in-toto+json' })) as SerializedBundle;
      expect(attested.verificationMaterial.tlogEntries[0]?.kindVersion).toEqual({ kind: 'dsse', version: '0.0.2' });
      expect((await verify(attested, undefined)).identity?.subjectAlternativeName).toBe(EMAIL);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('refuses a tampered artifact, another TSA and another v2 log key', async () => {
      await expect(verify(signed, Buffer.from('tampered'))).rejects.toMatchObject({ code: 'SIGNATURE_ERROR' });
      await expect(verify(signed, data, otherTsaRoot)).rejects.toMatchObject({ code: 'TIMESTAMP_ERROR' });
      await expect(verify(signed, data, otherV2KeyRoot)).rejects.toMatchObject({ code: 'TLOG_INCLUSION_PROOF_ERROR', message: 'invalid checkpoint signature' });
    }, CLIENT_STEP_TIMEOUT_MS);
  });
});

/** A trusted-root TSA entry for a TSA that is not this box's: same shape, another chain. */
async function otherTsa(root: TrustedRootFile): Promise<TrustedRootFile['timestampAuthorities'][number]> {
  const key = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const [rootKey, intermediateKey, leafKey] = [key(), key(), key()];
  const now = Date.now();
  const chain = await createTsaChain({
    rootName: 'CN=another TSA root,O=elsewhere',
    intermediateName: 'CN=another TSA intermediate,O=elsewhere',
    leafName: 'CN=another TSA,O=elsewhere',
    rootSigner: createKeySigner(rootKey.privateKey),
    intermediateSigner: createKeySigner(intermediateKey.privateKey),
    leafPublicKey: leafKey.publicKey,
    validity: { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 365 * 86_400_000) },
  });
  const [ours] = root.timestampAuthorities;
  return { ...ours, certChain: { certificates: chain.chainDer.map((der) => ({ rawBytes: Buffer.from(der).toString('base64') })) } };
}
