// Shared fixtures of the Fulcio HTTP suite: a CA chain with ephemeral keys, four real OIDC issuers of different
// identity types, the real app around createFulcioApi, and client-side builders for keys, proofs of
// possession and CSRs made the way cosign, sigstore-js and sigstore-python make them.
import 'reflect-metadata';
import crypto, { type KeyObject, X509Certificate } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import type { RequestListener } from 'node:http';
import { pino } from 'pino';
import type request from 'supertest';
import { expect } from 'vitest';
import type { Signer } from '@sigbox/core';
import { createCaService } from '@sigbox/ca';
import { createIssuerRegistry, parseIssuerConfig } from '@sigbox/oidc';
import { createApp, createFulcioApi } from '@sigbox/server';
import { type OidcIssuer, createTestCa, startOidcIssuer, validityAround } from '@sigbox/testkit';

/** Fulcio's generic token refusal (pkg/server/error.go invalidIdentityToken). */
export const INVALID_TOKEN = 'There was an error processing the identity token';
/** A meta-issuer listed by GET /api/v2/configuration (from fulcio's public config). */
export const EKS_PATTERN = 'https://oidc.eks.*.amazonaws.com/id/*';
/** The uri issuer certifies subjects under this scheme + host (SubjectDomain). */
export const URI_SUBJECT_DOMAIN = 'http://127.0.0.1';

// Claims of a GitHub Actions token (docs.github.com "About security hardening with OpenID Connect").
export const GITHUB_CLAIMS = {
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', job_workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  job_workflow_sha: 'b5f8a0c1', sha: 'e3b0c442', event_name: 'push', repository: 'octo-org/octo-repo', workflow: 'Release',
  ref: 'refs/heads/main', runner_environment: 'github-hosted', repository_id: '74', repository_owner: 'octo-org',
  repository_owner_id: '65', repository_visibility: 'public', workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  workflow_sha: 'b5f8a0c1', run_id: '9876543210', run_attempt: '1',
};

// The github-workflow entry of fulcio config/identity/config.yaml, in the JSON key style.
const GITHUB_METADATA = {
  DefaultTemplateValues: { url: 'https://github.com', environment: '' },
  ExtensionTemplates: {
    GithubWorkflowTrigger: 'event_name', GithubWorkflowSHA: 'sha', GithubWorkflowName: 'workflow',
    GithubWorkflowRepository: 'repository', GithubWorkflowRef: 'ref',
    BuildSignerURI: '{{ .url }}/{{ .job_workflow_ref }}', BuildSignerDigest: 'job_workflow_sha', RunnerEnvironment: 'runner_environment',
    SourceRepositoryURI: '{{ .url }}/{{ .repository }}', SourceRepositoryDigest: 'sha', SourceRepositoryRef: 'ref',
    SourceRepositoryIdentifier: 'repository_id', SourceRepositoryOwnerURI: '{{ .url }}/{{ .repository_owner }}',
    SourceRepositoryOwnerIdentifier: 'repository_owner_id', BuildConfigURI: '{{ .url }}/{{ .workflow_ref }}',
    BuildConfigDigest: 'workflow_sha', BuildTrigger: 'event_name',
    RunInvocationURI: '{{ .url }}/{{ .repository }}/actions/runs/{{ .run_id }}/attempts/{{ .run_attempt }}',
    SourceRepositoryVisibilityAtSigning: 'repository_visibility', DeploymentEnvironment: 'environment',
  },
  SubjectAlternativeNameTemplate: '{{ .url }}/{{ .job_workflow_ref }}',
};

export interface CaChain {
  rootDer: Uint8Array;
  intermediateDer: Uint8Array;
  rootPem: string;
  intermediatePem: string;
}

export interface FulcioHarness {
  readonly app: RequestListener;
  /** email (RS256, so HS256-with-the-public-key is a meaningful attack), uri, kubernetes, GitHub ci-provider. */
  readonly idps: { email: OidcIssuer; uri: OidcIssuer; kubernetes: OidcIssuer; github: OidcIssuer };
  readonly chain: CaChain;
  /** Signatures the issuing CA key has made: a refused request must not move it. */
  signatures(): number;
  close(): Promise<void>;
}

/** Wraps a signer to count its signatures (every certificate the CA issues costs one). */
function counting(signer: Signer): { signer: Signer; count: () => number } {
  let count = 0;
  return {
    signer: { algorithm: signer.algorithm, publicKey: signer.publicKey, sign: (data) => ((count += 1), signer.sign(data)) },
    count: () => count,
  };
}


export async function startFulcio(): Promise<FulcioHarness> {
  const [email, uri, kubernetes, github] = await Promise.all([
    startOidcIssuer({ algorithms: ['RS256'] }),
    startOidcIssuer({ defaultClaims: {} }),
    startOidcIssuer({ defaultClaims: {} }),
    startOidcIssuer({ defaultClaims: {} }),
  ]);
  const issuers = createIssuerRegistry(parseIssuerConfig({
    OIDCIssuers: { [github.url]: { IssuerURL: github.url, ClientID: 'sigstore', Type: 'ci-provider', CIProvider: 'github-workflow' } },
    MetaIssuers: { [EKS_PATTERN]: { ClientID: 'sigstore', Type: 'kubernetes' } },
    CIIssuerMetadata: { 'github-workflow': GITHUB_METADATA },
  }));
  issuers.addIssuer({ url: email.url, type: 'email' });
  issuers.addIssuer({ url: uri.url, type: 'uri', subjectDomain: URI_SUBJECT_DOMAIN });
  issuers.addIssuer({ url: kubernetes.url, type: 'kubernetes' });

  // Root and issuing intermediate, both P-384 as on the public instance.
  const { root, intermediate } = await createTestCa({ commonName: 'fulcio-api', organization: 'sigbox', algorithm: 'ecdsa-p384', validity: validityAround() });
  const chain: CaChain = { rootDer: root.der, intermediateDer: intermediate.der, rootPem: root.pem, intermediatePem: intermediate.pem };
  const issuing = counting(intermediate.signer);
  const ca = createCaService({ issuers, signer: issuing.signer, chainDer: [chain.intermediateDer, chain.rootDer] });
  const app = createApp({ logger: pino({ enabled: false }), apis: [createFulcioApi(ca)] });
  return {
    app,
    idps: { email, uri, kubernetes, github },
    chain,
    signatures: issuing.count,
    close: async () => {
      await Promise.all([email.close(), uri.close(), kubernetes.close(), github.close()]);
    },
  };
}

// ---- client side ---------------------------------------------------------------------------------------

export type ClientKeyType = 'P-256' | 'P-384' | 'Ed25519' | 'RSA-2048' | 'RSA-1024';

export interface ClientKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM with its final newline, as clients send it. */
  pem: string;
  /** Digest clients sign with: per curve for ECDSA (fulcio #1959), SHA-256 for RSA, none for Ed25519. */
  digest: string | null;
}

export function clientKey(type: ClientKeyType = 'P-256'): ClientKey {
  const pair =
    type === 'P-256' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : type === 'P-384' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })
    : type === 'Ed25519' ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('rsa', { modulusLength: type === 'RSA-2048' ? 2048 : 1024 });
  const digest = type === 'P-384' ? 'sha384' : type === 'Ed25519' ? null : 'sha256';
  return { ...pair, pem: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string, digest };
}

/** Standard base64 of a DER signature over the UTF-8 challenge (sigstore-go, sigstore-js, cosign). */
export function proofOfPossession(key: ClientKey, challenge: string): string {
  return crypto.sign(key.digest, Buffer.from(challenge, 'utf8'), key.privateKey).toString('base64');
}

/** The v2 publicKeyRequest a client sends for `key`, proving possession over `challenge`. */
export function publicKeyRequest(key: ClientKey, challenge: string, algorithm = 'ECDSA') {
  return { publicKey: { algorithm, content: key.pem }, proofOfPossession: proofOfPossession(key, challenge) };
}

/**
 * A PKCS#10 CSR as sigstore-python builds it: empty subject, BasicConstraints CA:false critical, ECDSA with
 * SHA-256 (sigstore/_internal/fulcio/client.py via pyca/cryptography); DER, made with @peculiar/x509.
 */
export async function csrDer(key: ClientKey = clientKey('P-256'), hash = 'SHA-256'): Promise<Uint8Array> {
  const { namedCurve } = key.publicKey.asymmetricKeyDetails as { namedCurve: string };
  const alg = { name: 'ECDSA', namedCurve: namedCurve === 'secp384r1' ? 'P-384' : 'P-256', hash };
  const keys = {
    privateKey: await crypto.subtle.importKey('pkcs8', key.privateKey.export({ format: 'der', type: 'pkcs8' }), alg, false, ['sign']),
    publicKey: await crypto.subtle.importKey('spki', key.publicKey.export({ format: 'der', type: 'spki' }), alg, true, ['verify']),
  };
  const csr = await peculiar.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: alg,
    extensions: [new peculiar.BasicConstraintsExtension(false, undefined, true)],
  });
  return new Uint8Array(csr.rawData);
}

/** PEM text of a CSR, base64'd as the proto `bytes` field carries it. */
export function csrField(der: Uint8Array, label = 'CERTIFICATE REQUEST'): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return Buffer.from(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`).toString('base64');
}

// ---- answers -------------------------------------------------------------------------------------------

/**
 * A Fulcio error: exactly `{"code","message","details":[]}`, JSON — a google.rpc.Status as grpc-gateway's
 * DefaultHTTPErrorHandler writes it with its default marshaler, which emits empty fields (v2.29.0, runtime/errors.go).
 */
export function expectFulcioError(res: request.Response, status: number, code: number, message: string): void {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect({ status: res.status, body: res.body }).toEqual({ status, body: { code, message, details: [] } });
}

const PEM_CERT = /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----$/;

/** A signing response's PEMs: each one certificate, trimmed (no final newline); returns the parsed chain. */
export function certificatesOf(pems: readonly string[]): X509Certificate[] {
  for (const pem of pems) expect(pem).toMatch(PEM_CERT);
  return pems.map((pem) => new X509Certificate(pem));
}

/**
 * The leaf as a verifier checks it with node:crypto: issued and signed by the intermediate, which the root
 * signed; the SPKI is the client's key; valid now for exactly Fulcio's 10 minutes.
 */
export function verifyLeaf(leaf: X509Certificate, chain: CaChain, key: KeyObject): void {
  const intermediate = new X509Certificate(Buffer.from(chain.intermediateDer));
  const root = new X509Certificate(Buffer.from(chain.rootDer));
  expect(leaf.checkIssued(intermediate)).toBe(true);
  expect(leaf.verify(intermediate.publicKey)).toBe(true);
  expect(leaf.verify(root.publicKey)).toBe(false);
  expect(intermediate.verify(root.publicKey)).toBe(true);
  expect(leaf.publicKey.export({ format: 'der', type: 'spki' })).toEqual(key.export({ format: 'der', type: 'spki' }));
  expect(leaf.subject ?? '').toBe(''); // node reports the empty SEQUENCE (30 00) as no subject
  expect(leaf.ca).toBe(false);
  expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']); // EKU codeSigning only
  const notBefore = leaf.validFromDate.getTime();
  expect(leaf.validToDate.getTime() - notBefore).toBe(600_000);
  expect(Math.abs(Date.now() - notBefore)).toBeLessThan(60_000);
}

// ---- reading the leaf independently of @sigbox/x509 -------------------------------------------------------

/** A DER TLV's value with short or long-form length (X.690 §8.1.3). */
function tlvValue(bytes: Uint8Array, tag: number): Uint8Array {
  expect(bytes[0]).toBe(tag);
  const first = bytes[1] as number;
  if (first < 0x80) return bytes.subarray(2, 2 + first);
  const octets = first & 0x7f;
  const length = bytes.subarray(2, 2 + octets).reduce((n, b) => n * 256 + b, 0);
  return bytes.subarray(2 + octets, 2 + octets + length);
}

export interface LeafExtension {
  oid: string;
  critical: boolean;
  /** Fulcio arc 1.1–1.6: the raw bytes as UTF-8; 1.8 and up: the DER UTF8String's text; others: undefined. */
  text?: string;
}

const FULCIO_ARC = '1.3.6.1.4.1.57264.1.';
const UTF8_STRING = 0x0c;

/** The leaf's extensions in order, read with @peculiar/x509; Fulcio values decoded per docs/oid-info.md. */
export function leafExtensions(der: Uint8Array | string): LeafExtension[] {
  return new peculiar.X509Certificate(der).extensions.map((ext) => {
    const value = new Uint8Array(ext.value);
    if (!ext.type.startsWith(FULCIO_ARC)) return { oid: ext.type, critical: ext.critical };
    const arc = Number(ext.type.slice(FULCIO_ARC.length));
    const text = Buffer.from(arc <= 6 ? value : tlvValue(value, UTF8_STRING)).toString('utf8');
    return { oid: ext.type, critical: ext.critical, text };
  });
}

/** `{ '1.1': value, … }` of the Fulcio extensions. */
export function fulcioValues(der: Uint8Array | string): Record<string, string> {
  return Object.fromEntries(leafExtensions(der).filter((e) => e.text !== undefined).map((e) => [e.oid.slice(FULCIO_ARC.length), e.text as string]));
}
