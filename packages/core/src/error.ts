/**
 * Base of every Sigbox error: a closed union of string codes plus an optional cause and details, after
 * sigstore-js (`packages/core/src/error.ts`). Edges map codes to upstream status codes and bodies; the
 * message is for logs, never for clients unless the edge says so.
 *
 * @example
 * type LogErrorCode = 'DUPLICATE_ENTRY' | 'PUSHBACK';
 * class LogError extends BaseError<LogErrorCode> {}
 * throw new LogError('PUSHBACK', 'queue full', { details: { queued: 4096 } });
 */
export class BaseError<Code extends string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

export type CoreErrorCode =
  | 'INVALID_ENCODING'
  | 'INVALID_PEM'
  | 'INVALID_JSON'
  | 'INVALID_KEY'
  | 'UNSUPPORTED_KEY'
  | 'INVALID_UINT64';

export class CoreError extends BaseError<CoreErrorCode> {}
