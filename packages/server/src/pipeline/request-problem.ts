import type { ProblemKind } from '../http-error.js';

/**
 * A failure the pipeline itself detects before a handler runs: no route, a method the path does not take, a body
 * that cannot be read. The owning API's error format words it (see error-answer.ts).
 */
export class RequestProblem extends Error {
  constructor(
    readonly kind: Exclude<ProblemKind, 'INTERNAL'>,
    /** The HTTP status the problem suggests (404, 405, 400, 413, 415, 503). */
    readonly status: number,
    message: string,
    options: { cause?: unknown; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RequestProblem';
    this.headers = options.headers;
  }

  /** Headers the answer must carry whatever the owner's format says (a shed request's Retry-After, `Connection: close`). */
  readonly headers: Readonly<Record<string, string>> | undefined;
}
