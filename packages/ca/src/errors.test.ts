import type { X509ErrorCode } from '@sigbox/x509';
import { describe, expect, it } from 'vitest';
import { X509_TO_CA } from './ca-service.js';
import { CA_ERROR_STATUS, CA_MESSAGES, CaError, type CaErrorCode } from './errors.js';

// Both tables are typed over the whole code union: a new code does not compile until its answer is stated here.
const TOKEN = 'There was an error processing the identity token';

/** Status and fixed client text per CA code (fulcio pkg/server/error.go at v1.8.8); undefined = text built per case. */
const CA_ANSWERS: Record<CaErrorCode, { status: number; message: string | undefined }> = {
  INVALID_TOKEN: { status: 400, message: TOKEN },
  INVALID_IDENTITY: { status: 400, message: TOKEN },
  INVALID_REQUEST: { status: 400, message: undefined },
  INVALID_CSR: { status: 400, message: 'The certificate signing request could not be parsed' },
  INVALID_PUBLIC_KEY: { status: 400, message: 'The public key supplied in the request could not be parsed' },
  INSECURE_KEY: { status: 400, message: 'The public key supplied in the request is insecure' },
  INVALID_SIGNATURE: { status: 400, message: 'The signature supplied in the request could not be verified' },
  ALGORITHM_NOT_PERMITTED: { status: 400, message: undefined },
  CA_BACKEND: { status: 500, message: 'error communicating with CA backend' },
  CT_LOG: { status: 500, message: 'Error entering certificate in CTL' },
  // Beyond Fulcio (Internal): a CT log that cannot take the precertificate now is Unavailable, retryable.
  CT_LOG_UNAVAILABLE: { status: 503, message: 'Error entering certificate in CTL' },
  // Beyond Fulcio (no issuance policy there): PermissionDenied and ResourceExhausted, texts built per refusal.
  IDENTITY_NOT_ACCEPTED: { status: 403, message: undefined },
  RATE_LIMITED: { status: 429, message: undefined },
};

/** The HTTP status each x509 failure reaches the client with: what the client sent is 400, the CA's own faults 500. */
const X509_STATUS: Record<X509ErrorCode, number> = {
  INVALID_KEY: 400,
  INSECURE_KEY: 400,
  INVALID_CSR: 400,
  INVALID_SIGNATURE: 400,
  UNSUPPORTED_SIGNATURE_ALGORITHM: 400,
  INVALID_IDENTITY: 400,
  INVALID_REQUEST: 500,
  INVALID_CERTIFICATE: 500,
  INVALID_CHAIN: 500,
};

describe('CA error answers', () => {
  it.each(Object.entries(CA_ANSWERS))('%s has its status and fulcio’s text', (code, { status, message }) => {
    expect(new CaError(code as CaErrorCode, 'x').status).toBe(status);
    expect(CA_ERROR_STATUS[code as CaErrorCode]).toBe(status);
    expect((CA_MESSAGES as Record<string, string>)[code]).toBe(message);
  });

  it('has no status for a code outside the union', () => {
    expect(Object.keys(CA_ERROR_STATUS).sort()).toEqual(Object.keys(CA_ANSWERS).sort());
  });

  it.each(Object.entries(X509_STATUS))('x509 %s answers %i', (code, status) => {
    expect(CA_ERROR_STATUS[X509_TO_CA[code as X509ErrorCode]]).toBe(status);
  });
});
