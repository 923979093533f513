import { BaseError } from '@sigbox/core';

export type PolicyErrorCode =
  | 'YAML_SYNTAX'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'INVALID_VALUE'
  | 'INVALID_PATTERN'
  | 'DUPLICATE_RULE';

/**
 * Everything wrong with a policy file is one of these, pointing at the line and column (1-based) of the offending
 * node so `sigbox policy lint` can print `file:line:column: message`. Nothing else escapes `parsePolicy`.
 */
export class PolicyError extends BaseError<PolicyErrorCode> {
  readonly line: number;
  readonly column: number;

  constructor(code: PolicyErrorCode, message: string, position: { line: number; column: number }, cause?: unknown) {
    super(code, `${position.line}:${position.column}: ${message}`, { cause, details: { ...position } });
    this.line = position.line;
    this.column = position.column;
  }
}

/** A certificate that does not carry a Fulcio identity a policy can judge (no single SAN, no issuer, bad encoding). */
export class CertificateIdentityError extends BaseError<'INVALID_CERTIFICATE'> {}
