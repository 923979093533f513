// Type-level tests of openapi/fulcio.yaml: `npx tsc -p tsconfig.check.json` fails if a @ts-expect-error below
// stops being an error, i.e. if the spec stops holding handlers to the fields clients rely on.
import { describe, expectTypeOf, it } from 'vitest';
import type { FulcioHandler, fulcio } from './index.js';
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

describe('FulcioHandler', () => {
  it('accepts either SCT form and the Fulcio error body', () => {
    const embedded: FulcioHandler<'CreateSigningCertificate'> = (_req, res) => {
      expectTypeOf(_req.body).toBeUnknown();
      res.status(200).json({ signedCertificateEmbeddedSct: { chain } });
    };
    const detached: FulcioHandler<'CreateSigningCertificate'> = (_req, res) => {
      res.json({ signedCertificateDetachedSct: detachedSct });
    };
    const failing: FulcioHandler<'CreateSigningCertificate'> = (_req, res) => {
      res.status(400).json(invalid);
    };
    expectTypeOf(embedded).toEqualTypeOf(detached);
    expectTypeOf(failing).toEqualTypeOf(detached);
  });

  it('rejects bodies clients cannot read', () => {
    const wrong: FulcioHandler<'CreateSigningCertificate'> = (_req, res) => {
      // @ts-expect-error: SigningCertificate is a oneof: one SCT form, not both.
      res.json({ signedCertificateEmbeddedSct: { chain }, signedCertificateDetachedSct: detachedSct });
      // @ts-expect-error: the detached form always carries signedCertificateTimestamp (proto3 emits "").
      res.json({ signedCertificateDetachedSct: { chain } });
      // @ts-expect-error: clients read chain.certificates[0]; a bare array is not the chain.
      res.json({ signedCertificateEmbeddedSct: { chain: [PEM] } });
      // @ts-expect-error: `code` is the gRPC code (3 InvalidArgument), not the HTTP status.
      res.status(400).json({ ...invalid, code: 400 });
      // @ts-expect-error: grpc-gateway always sends `details` (empty).
      res.status(400).json({ code: 3, message: 'bad' });
    };
    expectTypeOf(wrong).not.toBeAny();
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
    const ok: FulcioHandler<'GetConfiguration'> = (_req, res) => {
      res.json({ issuers: [{ issuerUrl: 'https://idp.example', ...fields }] });
      res.json({ issuers: [{ wildcardIssuerUrl: 'https://oidc.eks.*.amazonaws.com/id/*', ...fields }] });
    };
    const wrong: FulcioHandler<'GetConfiguration'> = (_req, res) => {
      // @ts-expect-error: the oneof `issuer` holds one URL, never both.
      res.json({ issuers: [{ issuerUrl: 'https://a.example', wildcardIssuerUrl: 'https://*.example', ...fields }] });
      const { skipEmailVerification: _dropped, ...partial } = fields;
      // @ts-expect-error: non-oneof fields are always emitted.
      res.json({ issuers: [{ issuerUrl: 'https://idp.example', ...partial }] });
    };
    expectTypeOf(ok).toEqualTypeOf(wrong);
    // @ts-expect-error: not an operationId of openapi/fulcio.yaml (upstream RPC names are PascalCase).
    type Missing = FulcioHandler<'createSigningCertificate'>;
    expectTypeOf<Missing>().not.toBeAny();
  });

  it('sends the legacy chain as text', () => {
    const legacy: FulcioHandler<'LegacyCreateSigningCertificate'> = (_req, res) => {
      res.status(201).type('application/pem-certificate-chain').send(`${PEM}\n${PEM}`);
    };
    const wrong: FulcioHandler<'GetTrustBundle'> = (_req, res) => {
      // @ts-expect-error: the v2 trust bundle is JSON `{ chains }`, not PEM text.
      res.send(`${PEM}\n`);
    };
    expectTypeOf(legacy).not.toEqualTypeOf(wrong);
  });
});
