import type { RequestHeaders, fulcio } from '@sigbox/api';
import { type CaService, CaError, type IssuedSigningCertificate, parseSigningRequestV1, parseSigningRequestV2 } from '@sigbox/ca';
import { toPem } from '@sigbox/core';
import { fulcioError, fulcioErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';

type Pem = fulcio.components['schemas']['Pem'];
type SigningCertificate = fulcio.components['schemas']['SigningCertificate'];

/** Signing answers carry PEMs without their final newline; the trust bundle keeps it (as Fulcio's own answers do). */
const trimmedPem = (der: Uint8Array): Pem => toPem('CERTIFICATE', der).trimEnd();
const fullPem = (der: Uint8Array): Pem => toPem('CERTIFICATE', der);

/** v2's answer: the embedded-SCT form, or the detached form with an empty SCT when the CA runs without CT. */
function signingCertificateV2(issued: IssuedSigningCertificate): SigningCertificate {
  const chain = { certificates: issued.chainDer.map(trimmedPem) };
  return issued.embeddedSct ? { signedCertificateEmbeddedSct: { chain } } : { signedCertificateDetachedSct: { chain, signedCertificateTimestamp: '' } };
}

/** v1's answer: the PEMs joined by one newline, none after the last (what cosign v2 splits). */
const legacyChain = (issued: IssuedSigningCertificate): string => issued.chainDer.map(trimmedPem).join('\n');
const PEM_CHAIN_TYPE = 'application/pem-certificate-chain';
const authorization = (headers: RequestHeaders): string | undefined => (typeof headers.authorization === 'string' ? headers.authorization : undefined);

const op = operationsOf<fulcio.paths>();

/** A rate-limited caller is told when a slot frees (RFC 9110 §10.2.3, delay-seconds). */
function retryAfter(err: CaError): Record<string, string> | undefined {
  const seconds = err.details?.retryAfterSeconds;
  return err.code === 'RATE_LIMITED' && typeof seconds === 'number' ? { 'Retry-After': String(seconds) } : undefined;
}

/**
 * The Fulcio API (openapi/fulcio.yaml) over a {@link CaService}: v2 signingCert (200, JSON), the legacy v1
 * signingCert cosign v2 uses (201, PEM chain), the trust bundle, the root chain and the issuer configuration.
 * Like grpc-gateway, request bodies are JSON whatever their Content-Type says (sigstore-python sends a PEM
 * Accept header), and a known path asked with another method answers 501 (the error format's METHOD_NOT_ALLOWED).
 */
export function createFulcioApi(ca: CaService, options: { retiredChains?: () => readonly (readonly Uint8Array[])[] } = {}): Api {
  // A rotated-out CA stays in the bundle until its last certificate has expired (its window in the trust history).
  const chains = () => [ca.chainDer, ...(options.retiredChains?.() ?? [])].map((chain) => ({ certificates: chain.map(fullPem) }));
  return {
    name: 'fulcio',
    // All of /api/v2 speaks Fulcio's dialect (a Rekor v2 API at /api/v2/log would win by the longer prefix).
    prefixes: ['/api/v2', '/api/v1/signingCert', '/api/v1/rootCert'],
    errorFormat: fulcioErrorFormat,
    mapError: (err) => (err instanceof CaError ? fulcioError(err.status, err.message, retryAfter(err)) : undefined),
    operations: [
      op.post('/api/v2/signingCert', { body: 'any-json' }, async ({ body, headers }) => ({
        status: 200,
        body: signingCertificateV2(await ca.issueSigningCertificate(parseSigningRequestV2(body, authorization(headers)))),
      })),
      op.post('/api/v1/signingCert', { body: 'any-json' }, async ({ body, headers }) => ({
        status: 201,
        body: legacyChain(await ca.issueSigningCertificate(parseSigningRequestV1(body, authorization(headers)))),
        contentType: PEM_CHAIN_TYPE,
      })),
      op.get('/api/v2/trustBundle', () => ({ status: 200, body: { chains: chains() } }), { conditional: true }),
      op.get(
        '/api/v2/configuration',
        () => {
          const issuers = ca.issuers.describe().map(({ issuerUrl, wildcardIssuerUrl, ...rest }) =>
            wildcardIssuerUrl !== undefined ? { wildcardIssuerUrl, ...rest } : { issuerUrl: issuerUrl ?? '', ...rest },
          );
          return { status: 200, body: { issuers } };
        },
        { conditional: true },
      ),
      op.get(
        '/api/v1/rootCert',
        () => ({ status: 200, body: ca.chainDer.map((der) => `${fullPem(der)}\n`).join('').trimEnd(), contentType: PEM_CHAIN_TYPE }),
        { conditional: true },
      ),
    ],
  };
}
