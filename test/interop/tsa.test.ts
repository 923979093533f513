// Interop: the box's RFC 3161 timestamp authority (`sigbox up --dev`, PGlite) over HTTP, with clients that are not
// ours: OpenSSL's `ts` (query and verify against the served chain), sigstore/timestamp-authority's own
// timestamp-cli (v2.1.3, .ci/run), sigstore-js signing with `tsaServerURL` pointed at the box and verifying
// the bundle's timestamp with the box's trusted_root.json, cosign v3 (sigstore-go) timestamping from the signing
// config and verifying that timestamp alone, and sigstore-python signing from trust_config.json.
import crypto from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type SerializedBundle, bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, TOOL_TIMEOUT_MS, findTool, openssl, startInteropStack, toolAvailable } from '@sigbox/testkit';
import { sign } from 'sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStack, expectSuccess } from './fixture.js';

const TIMESTAMP_CLI = findTool({
  env: 'TIMESTAMP_CLI',
  command: 'timestamp-cli',
  why: "sigstore/timestamp-authority's client; set TIMESTAMP_CLI=/path/to/timestamp-cli (.ci/run installs v2.1.3)",
});
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3 (sigstore-go) timestamping through the signing config; .ci/run installs it' });
const SIGSTORE_PYTHON = findTool({ env: 'SIGSTORE_PYTHON', why: 'sigstore-python 4.5.1 timestamping from trust_config.json; .ci/run installs it' });
const HAS_OPENSSL = toolAvailable('openssl', 'OpenSSL ts -query/-verify against the served chain');
const EMAIL = 'you@example.com';
const STEP_TIMEOUT_MS = 4 * TOOL_TIMEOUT_MS;

const pemBlocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?/g) ?? [];
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

/** Another TSA: a root and a leaf with the critical timeStamping EKU, made by OpenSSL in `dir`. */
async function otherTsa(dir: string): Promise<{ rootPem: string; leafPem: string }> {
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', file('other-root.key'), '-out', file('other-root.pem'), '-subj', '/CN=other TSA root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  openssl(['req', ...ec, '-keyout', file('other-leaf.key'), '-out', file('other-leaf.csr'), '-subj', '/CN=other TSA']);
  await writeFile(file('other-leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  openssl(['x509', '-req', '-in', file('other-leaf.csr'), '-CA', file('other-root.pem'), '-CAkey', file('other-root.key'), '-out', file('other-leaf.pem'), '-days', '30', '-extfile', file('other-leaf.ext')]);
  return { rootPem: await readFile(file('other-root.pem'), 'utf8'), leafPem: await readFile(file('other-leaf.pem'), 'utf8') };
}

/** The box's trusted root with another TSA in place of its own. */
function withOtherTsa(root: object, other: { rootPem: string; leafPem: string }): object {
  return {
    ...root,
    timestampAuthorities: [
      {
        subject: { organization: 'other', commonName: 'other TSA root' },
        uri: 'https://tsa.example',
        certChain: { certificates: [other.leafPem, other.rootPem].map((pem) => ({ rawBytes: derOf(pem).toString('base64') })) },
        validFor: { start: new Date(Date.now() - 86_400_000).toISOString() },
      },
    ],
  };
}

describe('the TSA of sigbox up --dev', () => {
  let stack: InteropStack;
  let chain: string[];
  const file = (name: string) => path.join(stack.work, name);
  const post = (body: Uint8Array | string, contentType: string) => fetch(`${stack.url}/api/v1/timestamp`, { method: 'POST', body, headers: { 'Content-Type': contentType } });

  beforeAll(async () => {
    stack = await startInteropStack('pglite', { name: 'tsa' });
    const res = await fetch(`${stack.url}/api/v1/timestamp/certchain`);
    expect(res.headers.get('content-type')).toBe('application/pem-certificate-chain; charset=utf-8');
    chain = pemBlocks(await res.text());
    await writeFile(file('artifact.txt'), 'hello from the TSA interop suite\n');
    await writeFile(file('other.txt'), 'another artifact\n');
    await writeFile(file('root.pem'), chain[2] ?? '');
    await writeFile(file('leaf.pem'), chain[0] ?? '');
    await writeFile(file('untrusted.pem'), `${chain[0]}${chain[1]}`);
    await writeFile(file('intermediate-root.pem'), `${chain[1]}${chain[2]}`);
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(() => closeStack(stack));

  it('serves its chain leaf → intermediate → root, the one trusted_root.json lists with tsaUrls in the signing config', async () => {
    expect(chain).toHaveLength(3);
    const [authority, ...more] = stack.trustedRoot.timestampAuthorities as Array<{ certChain: { certificates: Array<{ rawBytes: string }> }; uri: string }>;
    expect(more).toEqual([]);
    expect(authority?.certChain.certificates.map((c) => c.rawBytes)).toEqual(chain.map((pem) => derOf(pem).toString('base64')));
    const leaf = new crypto.X509Certificate(chain[0] ?? '');
    expect(leaf.checkIssued(new crypto.X509Certificate(chain[1] ?? ''))).toBe(true);
    const signingConfig = JSON.parse(await readFile(stack.trustFile('signing_config.v0.2.json'), 'utf8')) as { tsaUrls: Array<{ url: string; majorApiVersion: number }>; tsaConfig: unknown };
    expect(signingConfig.tsaUrls).toMatchObject([{ url: `${stack.url}/api/v1/timestamp`, majorApiVersion: 1 }]);
    expect(signingConfig.tsaConfig).toEqual({ selector: 'ANY' });
  });

  it('answers bad requests as upstream: 415 for a non-application type, 400 {code,message} for a weak hash or a bad digest', async () => {
    const query = new Uint8Array([0x30, 0x00]);
    const text = await post(query, 'text/plain');
    expect(text.status).toBe(415);
    const weak = await post(JSON.stringify({ artifactHash: Buffer.alloc(20).toString('base64'), hashAlgorithm: 'sha1' }), 'application/json');
    expect([weak.status, await weak.json()]).toEqual([400, { code: 400, message: 'Weak hash algorithm in timestamp request' }]);
    const short = await post(JSON.stringify({ artifactHash: 'AAAA', hashAlgorithm: 'sha256' }), 'application/json');
    expect([short.status, await short.json()]).toEqual([400, { code: 400, message: 'Message digest has incorrect length for specified algorithm' }]);
    const garbage = await post(query, 'application/timestamp-query');
    expect([garbage.status, await garbage.json()]).toEqual([400, { code: 400, message: 'Error generating timestamp response' }]);
    // The JSON form with a nonce wider than a double: every digit is kept (written by hand, JSON.stringify would round it).
    const digest = crypto.createHash('sha256').update('x').digest('base64');
    const json = await post(`{"artifactHash":"${digest}","hashAlgorithm":"sha256","nonce":123456789012345678901234567890}`, 'application/json');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/timestamp-reply');
    // Counted and timed by the pipeline like every route, by route pattern and status.
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/sigbox_http_requests_total\{method="POST",route="\/api\/v1\/timestamp",status="400"\} [1-9]/);
    expect(metrics).toMatch(/sigbox_http_requests_total\{method="POST",route="\/api\/v1\/timestamp",status="415"\} 1/);
  });

  describe.skipIf(!HAS_OPENSSL)('OpenSSL ts', () => {
    /** `openssl ts -query` → POST → the reply on disk. */
    async function stamp(data: string, name: string, hash = '-sha256'): Promise<void> {
      openssl(['ts', '-query', '-data', file(data), hash, '-cert', '-out', file(`${name}.tsq`)]);
      const res = await post(await readFile(file(`${name}.tsq`)), 'application/timestamp-query');
      expect(res.status).toBe(200);
      await writeFile(file(`${name}.tsr`), Buffer.from(await res.arrayBuffer()));
    }
    const verify = (name: string, ...trust: string[]) => openssl(['ts', '-verify', '-in', file(`${name}.tsr`), ...trust]);

    it('verifies a reply against the served chain (sha256 and sha512 queries)', async () => {
      await stamp('artifact.txt', 'sha256');
      expect(verify('sha256', '-queryfile', file('sha256.tsq'), '-CAfile', file('root.pem'), '-untrusted', file('untrusted.pem'))).toContain('Verification: OK');
      await stamp('artifact.txt', 'sha512', '-sha512');
      expect(verify('sha512', '-data', file('artifact.txt'), '-CAfile', file('root.pem'), '-untrusted', file('untrusted.pem'))).toContain('Verification: OK');
    });

    it("refuses the reply for another artifact's digest and under another TSA's chain", async () => {
      await stamp('artifact.txt', 'negative');
      expect(() => verify('negative', '-data', file('other.txt'), '-CAfile', file('root.pem'), '-untrusted', file('untrusted.pem'))).toThrow(/message imprint mismatch/);
      const other = await otherTsa(stack.work);
      await writeFile(file('other-root-only.pem'), other.rootPem);
      await writeFile(file('other-untrusted.pem'), other.leafPem);
      expect(() => verify('negative', '-queryfile', file('negative.tsq'), '-CAfile', file('other-root-only.pem'), '-untrusted', file('other-untrusted.pem'))).toThrow(/unable to get local issuer certificate|certificate verify error/);
    });
  });

  describe.skipIf(TIMESTAMP_CLI === undefined)('timestamp-cli (sigstore/timestamp-authority v2.1.3)', () => {
    const cli = (...args: string[]) => stack.runClient(TIMESTAMP_CLI as string, [...args, '--timestamp_server', stack.url]);

    it('fetches a timestamp (DER query with nonce and certReq) and verifies it against the served chain', async () => {
      expectSuccess(await cli('timestamp', '--artifact', file('artifact.txt'), '--hash', 'sha384', '--out', file('cli.tsr')), stack);
      const out = expectSuccess(await cli('verify', '--timestamp', file('cli.tsr'), '--artifact', file('artifact.txt'), '--certificate-chain', file('intermediate-root.pem'), '--certificate', file('leaf.pem')), stack);
      expect(out).toMatch(/Successfully verified timestamp/);
    }, STEP_TIMEOUT_MS);

    it('refuses it for another artifact and under another root', async () => {
      const wrongArtifact = await cli('verify', '--timestamp', file('cli.tsr'), '--artifact', file('other.txt'), '--certificate-chain', file('intermediate-root.pem'), '--certificate', file('leaf.pem'));
      expect(wrongArtifact.code).not.toBe(0);
      const other = await otherTsa(stack.work);
      await writeFile(file('other-chain.pem'), other.rootPem);
      const wrongRoot = await cli('verify', '--timestamp', file('cli.tsr'), '--artifact', file('artifact.txt'), '--certificate-chain', file('other-chain.pem'), '--certificate', file('leaf.pem'));
      expect(wrongRoot.code).not.toBe(0);
    }, STEP_TIMEOUT_MS);
  });

  describe('sigstore-js with tsaServerURL', () => {
    const ARTIFACT = Buffer.from('hello from sigstore-js through the box TSA\n');
    let bundle: SerializedBundle;
    /** The timestamp alone must vouch for the time: no tlog integrated time is counted (tlogThreshold 0 would skip the entry). */
    const verifierFor = (root: object) => new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    const verify = (b: SerializedBundle, root: object = stack.trustedRoot) => verifierFor(root).verify(toSignedEntity(bundleFromJSON(b), ARTIFACT), { subjectAlternativeName: EMAIL });

    it('signs with a timestamp from the box and verifies it with the box trusted root', async () => {
      bundle = await sign(ARTIFACT, { fulcioURL: stack.url, rekorURL: stack.url, tsaServerURL: stack.url, identityToken: await stack.devToken(EMAIL) });
      const timestamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
      expect(timestamps).toHaveLength(1);
      expect(verify(bundle).identity?.subjectAlternativeName).toBe(EMAIL);
    }, STEP_TIMEOUT_MS);

    it('refuses the bundle when its timestamp comes from another TSA, or covers another signature', async () => {
      const other = await otherTsa(stack.work);
      const foreign = withOtherTsa(stack.trustedRoot, other);
      expect(() => verify(bundle, foreign)).toThrow(expect.objectContaining({ code: 'TIMESTAMP_ERROR' }));
      const second = await sign(ARTIFACT, { fulcioURL: stack.url, rekorURL: stack.url, tsaServerURL: stack.url, identityToken: await stack.devToken(EMAIL) });
      const swapped = { ...bundle, verificationMaterial: { ...bundle.verificationMaterial, timestampVerificationData: second.verificationMaterial.timestampVerificationData } } as SerializedBundle;
      expect(() => verify(swapped)).toThrow(expect.objectContaining({ code: 'TIMESTAMP_ERROR' }));
    }, STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V3 === undefined)('cosign v3 (sigstore-go) from the signing config', () => {
    const EMAIL_COSIGN = 'cosign@example.com';
    const identity = () => ['--certificate-identity', EMAIL_COSIGN, '--certificate-oidc-issuer', stack.issuer];

    it("timestamps its signature at the box's TSA and verifies the timestamp with the trusted root; another TSA's root refuses it", async () => {
      expectSuccess(
        await stack.runClient(COSIGN_V3 as string, [
          'sign-blob', '--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json'),
          '--identity-token', await stack.devToken(EMAIL_COSIGN), '--bundle', 'cosign.sigstore.json', '-y', file('artifact.txt'),
        ]),
        stack,
      );
      const bundle = JSON.parse(await readFile(file('cosign.sigstore.json'), 'utf8')) as SerializedBundle;
      expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
      // Without the tlog the signed timestamp is the only time the certificate is checked at: sigstore-go must verify
      // it (with the tlog's integrated time present, a timestamp it cannot verify is skipped, not fatal).
      const verify = (root: string) => stack.runClient(COSIGN_V3 as string, ['verify-blob', '--trusted-root', root, '--bundle', 'cosign.sigstore.json', '--insecure-ignore-tlog', '--use-signed-timestamps', ...identity(), file('artifact.txt')]);
      const verified = await verify(stack.trustFile('trusted_root.json'));
      expect(expectSuccess(verified, stack) + verified.stderr).toContain('Verified OK');
      const other = await otherTsa(stack.work);
      await writeFile(file('trusted_root.other-tsa.json'), JSON.stringify(withOtherTsa(stack.trustedRoot, other)));
      const refused = await verify(file('trusted_root.other-tsa.json'));
      expect(refused.code, refused.stderr).not.toBe(0);
      expect(refused.stderr).toMatch(/timestamp/i);
    }, STEP_TIMEOUT_MS);
  });

  describe.skipIf(SIGSTORE_PYTHON === undefined)('sigstore-python from trust_config.json', () => {
    const python = (args: string[]) =>
      stack.runClient(SIGSTORE_PYTHON as string, args, { XDG_CACHE_HOME: path.join(stack.home, 'cache'), XDG_DATA_HOME: path.join(stack.home, 'data'), XDG_CONFIG_HOME: path.join(stack.home, 'config'), COLUMNS: '1000' });
    const verifyWith = (config: string) =>
      python(['--trust-config', config, 'verify', 'identity', file('artifact.txt'), '--bundle', file('python.sigstore.json'), '--cert-identity', EMAIL, '--cert-oidc-issuer', stack.issuer]);

    it("timestamps its signature at the box's TSA: the bundle's timestamp is the box's over that signature, and the bundle verifies", async () => {
      expectSuccess(await python(['--trust-config', stack.trustFile('trust_config.json'), 'sign', '--identity-token', await stack.devToken(EMAIL), '--bundle', file('python.sigstore.json'), file('artifact.txt')]), stack);
      const bundle = JSON.parse(await readFile(file('python.sigstore.json'), 'utf8')) as SerializedBundle & { messageSignature: { signature: string } };
      const [timestamp, ...more] = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
      expect(more).toEqual([]);
      // Like sigstore-go, sigstore-python skips a timestamp it cannot verify while the Rekor v1 entry's integrated time
      // is there, so its own verification says nothing about the timestamp: OpenSSL checks it against the box's chain.
      await writeFile(file('python.tsr'), Buffer.from(timestamp?.signedTimestamp ?? '', 'base64'));
      const signatureDigest = crypto.createHash('sha256').update(Buffer.from(bundle.messageSignature.signature, 'base64')).digest('hex');
      if (HAS_OPENSSL) {
        expect(openssl(['ts', '-verify', '-in', file('python.tsr'), '-digest', signatureDigest, '-CAfile', file('root.pem'), '-untrusted', file('untrusted.pem')])).toContain('Verification: OK');
      }
      expectSuccess(await verifyWith(stack.trustFile('trust_config.json')), stack);
    }, STEP_TIMEOUT_MS);
  });
});
