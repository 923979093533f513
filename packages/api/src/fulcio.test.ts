// Type-level tests of openapi/fulcio.yaml: `npm run typecheck` fails if a @ts-expect-error below
// stops being an error, i.e. if the spec stops holding handlers to the fields clients rely on.
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationAnswer, OperationAt, OperationHandler, PathsWith, fulcio } from './index.js';
import type { PathParams, RequestBody, ResponseBody, SuccessBody } from './operation.js';

type Ops = fulcio.operations;
type Schemas = fulcio.components['schemas'];
type ErrorBody = Schemas['Error'];

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const chain: Schemas['CertificateChain'] = { certificates: [PEM, PEM, PEM] };
const detachedSct: Schemas['SigningCertificateDetachedSCT'] = { chain, signedCertificateTimestamp: '' };
const invalid: ErrorBody = { code: 3, message: 'There was an error processing the identity token', details: [] };

describe('fulcio operations', () => {
  it('keeps the upstream statuses and media types', () => {
    expectTypeOf<ResponseBody<Ops['CreateSigningCertificate'], 200>>().toEqualTypeOf<Schemas['SigningCertificate']>();
    expectTypeOf<ResponseBody<Ops['CreateSigningCertificate'], 400>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<ResponseBody<Ops['CreateSigningCertificate'], 413>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<SuccessBody<Ops['GetTrustBundle']>>().toEqualTypeOf<Schemas['TrustBundle']>();
    expectTypeOf<SuccessBody<Ops['GetConfiguration']>>().toEqualTypeOf<Schemas['Configuration']>();
    // The legacy API answers 201 with a PEM chain, not JSON (cosign v2 requires both).
    expectTypeOf<ResponseBody<Ops['LegacyCreateSigningCertificate'], 201>>().toEqualTypeOf<string>();
    expectTypeOf<SuccessBody<Ops['GetRootCertificate']>>().toEqualTypeOf<string>();
    expectTypeOf<PathParams<Ops['CreateSigningCertificate']>>().toEqualTypeOf<{}>();
  });

  it('types the request as one of public key or CSR', () => {
    const body = {} as RequestBody<Ops['CreateSigningCertificate']>;
    expectTypeOf(body.credentials).toEqualTypeOf<{ oidcIdentityToken?: string } | undefined>();
    if (body.publicKeyRequest !== undefined) {
      expectTypeOf(body.publicKeyRequest.publicKey.content).toEqualTypeOf<string>();
      expectTypeOf(body.certificateSigningRequest).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(body.certificateSigningRequest).toEqualTypeOf<string>();
    }
    // @ts-expect-error: the oneof `key` holds one member, never both.
    const both: RequestBody<Ops['CreateSigningCertificate']> = {
      publicKeyRequest: { publicKey: { content: 'pem' }, proofOfPossession: 'MEU=' },
      certificateSigningRequest: 'LS0t',
    };
    expectTypeOf(both).not.toBeAny();
    expectTypeOf<RequestBody<Ops['LegacyCreateSigningCertificate']>>().toEqualTypeOf<
      Schemas['LegacyCreateSigningCertificateRequest']
    >();
  });
});

type At<P extends keyof fulcio.paths, M extends 'get' | 'post'> = OperationAt<fulcio.paths, P, M>;
type SigningCert = At<'/api/v2/signingCert', 'post'>;

describe('Fulcio answers', () => {
  it('accepts either SCT form and the Fulcio error body', () => {
    const embedded: OperationHandler<SigningCert> = ({ body }) => {
      expectTypeOf(body).toBeUnknown();
      return { status: 200, body: { signedCertificateEmbeddedSct: { chain } } };
    };
    const detached: OperationAnswer<SigningCert> = { status: 200, body: { signedCertificateDetachedSct: detachedSct } };
    const failing: OperationAnswer<SigningCert> = { status: 400, body: invalid };
    expectTypeOf([embedded, detached, failing]).not.toBeAny();
  });

  it('rejects bodies clients cannot read', () => {
    // @ts-expect-error: SigningCertificate is a oneof: one SCT form, not both.
    const both: OperationAnswer<SigningCert> = { status: 200, body: { signedCertificateEmbeddedSct: { chain }, signedCertificateDetachedSct: detachedSct } };
    // @ts-expect-error: the detached form always carries signedCertificateTimestamp (proto3 emits "").
    const noSct: OperationAnswer<SigningCert> = { status: 200, body: { signedCertificateDetachedSct: { chain } } };
    // @ts-expect-error: clients read chain.certificates[0]; a bare array is not the chain.
    const bare: OperationAnswer<SigningCert> = { status: 200, body: { signedCertificateEmbeddedSct: { chain: [PEM] } } };
    // @ts-expect-error: `code` is the gRPC code (3 InvalidArgument), not the HTTP status.
    const httpCode: OperationAnswer<SigningCert> = { status: 400, body: { ...invalid, code: 400 } };
    // @ts-expect-error: grpc-gateway always sends `details` (empty).
    const noDetails: OperationAnswer<SigningCert> = { status: 400, body: { code: 3, message: 'bad' } };
    expectTypeOf([both, noSct, bare, httpCode, noDetails]).not.toBeAny();
  });

  it('holds the configuration to one issuer form and every proto3 field', () => {
    const fields = {
      audience: 'sigstore',
      challengeClaim: 'email',
      spiffeTrustDomain: '',
      issuerType: 'email',
      subjectDomain: '',
      skipEmailVerification: false,
    };
    type Configuration = OperationAnswer<At<'/api/v2/configuration', 'get'>>;
    const url: Configuration = { status: 200, body: { issuers: [{ issuerUrl: 'https://idp.example', ...fields }] } };
    const wildcard: Configuration = { status: 200, body: { issuers: [{ wildcardIssuerUrl: 'https://oidc.eks.*.amazonaws.com/id/*', ...fields }] } };
    // @ts-expect-error: the oneof `issuer` holds one URL, never both.
    const twoUrls: Configuration = { status: 200, body: { issuers: [{ issuerUrl: 'https://a.example', wildcardIssuerUrl: 'https://*.example', ...fields }] } };
    const { skipEmailVerification: _dropped, ...partial } = fields;
    // @ts-expect-error: non-oneof fields are always emitted.
    const missingField: Configuration = { status: 200, body: { issuers: [{ issuerUrl: 'https://idp.example', ...partial }] } };
    expectTypeOf([url, wildcard, twoUrls, missingField]).not.toBeAny();
    // @ts-expect-error: not a path of openapi/fulcio.yaml (the v2 API is /api/v2/signingCert).
    const missing: PathsWith<fulcio.paths, 'post'> = '/api/v2/createSigningCertificate';
    expectTypeOf(missing).not.toBeAny();
  });

  it('sends the legacy chain as text', () => {
    const legacy: OperationAnswer<At<'/api/v1/signingCert', 'post'>> = { status: 201, body: `${PEM}\n${PEM}`, contentType: 'application/pem-certificate-chain' };
    // @ts-expect-error: the v2 trust bundle is JSON `{ chains }`, not PEM text.
    const wrong: OperationAnswer<At<'/api/v2/trustBundle', 'get'>> = { status: 200, body: `${PEM}\n` };
    expectTypeOf([legacy, wrong]).not.toBeAny();
  });
});
