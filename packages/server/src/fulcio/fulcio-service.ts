import type { FulcioHandler, ResponseBody, fulcio } from '@sigbox/api';
import { type CaService, CaError, type IssuedSigningCertificate, parseSigningRequestV1, parseSigningRequestV2 } from '@sigbox/ca';
import { toPem } from '@sigbox/core';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { fulcioError, fulcioErrorFormat } from '../error-formats.js';
import type { HttpError } from '../http-error.js';
import { type FastJsonPost, JSON_CONTENT_TYPE } from '../fast-lane.js';
import type { Service } from '../service.js';

type Pem = fulcio.components['schemas']['Pem'];
type SigningCertificateV2 = ResponseBody<fulcio.operations['CreateSigningCertificate'], 200>;

/** Signing responses carry PEMs without their final newline; the trust bundle keeps it (ca-fulcio §2.1, §2.2). */
const trimmedPem = (der: Uint8Array): Pem => toPem('CERTIFICATE', der).trimEnd();
const fullPem = (der: Uint8Array): Pem => toPem('CERTIFICATE', der);

export function mapCaError(err: unknown): HttpError | undefined {
  return err instanceof CaError ? fulcioError(err.status, err.message) : undefined;
}

/** v2's answer: the embedded-SCT form, or the detached form with an empty SCT when the CA runs without CT. */
function signingCertificateV2(issued: IssuedSigningCertificate): SigningCertificateV2 {
  const chain = { certificates: issued.chainDer.map(trimmedPem) };
  return issued.embeddedSct ? { signedCertificateEmbeddedSct: { chain } } : { signedCertificateDetachedSct: { chain, signedCertificateTimestamp: '' } };
}

/** v1's answer: the PEMs joined by one newline, none after the last (what cosign v2 splits). */
const legacyChain = (issued: IssuedSigningCertificate): string => issued.chainDer.map(trimmedPem).join('\n');
// Express adds the charset to a string body; the fast lane says it itself so both lanes answer alike.
const LEGACY_CHAIN_TYPE = 'application/pem-certificate-chain; charset=utf-8';

/**
 * The Fulcio API (openapi/fulcio.yaml) over a {@link CaService}: v2 signingCert (200, JSON), the legacy v1
 * signingCert cosign v2 uses (201, PEM chain), the trust bundle, the root chain and the issuer configuration.
 * Like grpc-gateway, request bodies are JSON whatever their Content-Type says.
 */
export function createFulcioService(ca: CaService, options: { logger?: Logger } = {}): Service {
  // Both lanes issue alike: the request parsed and the answer shaped once, whichever lane has the body.
  const issueV2 = async (body: unknown, authorization: string | undefined): Promise<SigningCertificateV2> =>
    signingCertificateV2(await ca.issueSigningCertificate(parseSigningRequestV2(body, authorization)));
  const issueV1 = async (body: unknown, authorization: string | undefined): Promise<string> =>
    legacyChain(await ca.issueSigningCertificate(parseSigningRequestV1(body, authorization)));

  // Every client's path, answered before Express; the Express routes below take only what the fast lane leaves.
  const fastSigningCertificate: FastJsonPost = {
    path: '/api/v2/signingCert',
    answer: async (body, headers) => ({ status: 200, contentType: JSON_CONTENT_TYPE, body: Buffer.from(JSON.stringify(await issueV2(body, headers.authorization))) }),
  };
  const fastLegacySigningCertificate: FastJsonPost = {
    path: '/api/v1/signingCert',
    answer: async (body, headers) => ({ status: 201, contentType: LEGACY_CHAIN_TYPE, body: Buffer.from(await issueV1(body, headers.authorization)) }),
  };

  const createSigningCertificate: FulcioHandler<'CreateSigningCertificate'> = async (req, res) => {
    const answer = await issueV2(req.body, req.headers.authorization);
    res.status(200).json(answer);
  };

  const legacySigningCertificate: FulcioHandler<'LegacyCreateSigningCertificate'> = async (req, res) => {
    // Issued first: a type set before a refusal would stay on the error answer (res.json keeps a set type).
    const chain = await issueV1(req.body, req.headers.authorization);
    res.status(201).type(LEGACY_CHAIN_TYPE).send(chain);
  };

  const trustBundle: FulcioHandler<'GetTrustBundle'> = (_req, res) => {
    res.json({ chains: [{ certificates: ca.chainDer.map(fullPem) }] });
  };

  const rootCert: FulcioHandler<'GetRootCertificate'> = (_req, res) => {
    res.type('application/pem-certificate-chain').send(ca.chainDer.map((der) => `${fullPem(der)}\n`).join('').trimEnd());
  };

  const configuration: FulcioHandler<'GetConfiguration'> = (_req, res) => {
    const issuers = ca.issuers.describe().map(({ issuerUrl, wildcardIssuerUrl, ...rest }) =>
      wildcardIssuerUrl !== undefined ? { wildcardIssuerUrl, ...rest } : { issuerUrl: issuerUrl ?? '', ...rest },
    );
    res.json({ issuers });
  };

  return {
    name: 'fulcio',
    // All of /api/v2 speaks Fulcio's dialect (a later Rekor v2 at /api/v2/log wins by the longer prefix).
    prefixes: ['/api/v2', '/api/v1/signingCert', '/api/v1/rootCert'],
    errorFormat: fulcioErrorFormat,
    fastPosts: [fastSigningCertificate, fastLegacySigningCertificate],
    mapError: (err) => {
      const mapped = mapCaError(err);
      if (mapped && err instanceof CaError) options.logger?.info({ code: err.code, cause: String(err.cause ?? '') }, 'signing certificate refused');
      return mapped;
    },
    mount(router: Router, ctx) {
      // grpc-gateway parses the body as JSON whatever the Content-Type (sigstore-python sends a PEM Accept header).
      const anyJson = express.json({ type: () => true, limit: ctx.bodyLimit });
      router.post('/api/v2/signingCert', anyJson, createSigningCertificate);
      router.post('/api/v1/signingCert', anyJson, legacySigningCertificate);
      router.get('/api/v2/trustBundle', trustBundle);
      router.get('/api/v2/configuration', configuration);
      router.get('/api/v1/rootCert', rootCert);
      // grpc-gateway answers a known path with the wrong method as Unimplemented (ca-fulcio §1).
      for (const path of ['/api/v2/signingCert', '/api/v2/trustBundle', '/api/v2/configuration', '/api/v1/signingCert', '/api/v1/rootCert']) {
        router.all(path, () => {
          throw fulcioError(501, 'Method Not Allowed');
        });
      }
    },
  };
}
