import { BaseError } from '@sigbox/core';

/**
 * Failure codes of the x509 package. The CA edge maps them onto Fulcio's client messages
 * (fulcio pkg/server/error.go): INVALID_KEY → "The public key supplied in the request could not be parsed",
 * INSECURE_KEY → "...is insecure", INVALID_CSR → "The certificate signing request could not be parsed",
 * INVALID_SIGNATURE → "The signature supplied in the request could not be verified",
 * UNSUPPORTED_SIGNATURE_ALGORITHM → "unrecognized signature algorithm: X". INVALID_IDENTITY is a SAN value no
 * certificate can carry (an rfc822Name or URI that is not printable ASCII): the client's identity, not a fault.
 * INVALID_REQUEST (a malformed leaf request: TTL, serial, extension list), INVALID_CERTIFICATE and INVALID_CHAIN
 * are server-side faults.
 */
export type X509ErrorCode =
  | 'INVALID_KEY'
  | 'INSECURE_KEY'
  | 'INVALID_CSR'
  | 'INVALID_SIGNATURE'
  | 'UNSUPPORTED_SIGNATURE_ALGORITHM'
  | 'INVALID_IDENTITY'
  | 'INVALID_REQUEST'
  | 'INVALID_CERTIFICATE'
  | 'INVALID_CHAIN';

export class X509Error extends BaseError<X509ErrorCode> {}
