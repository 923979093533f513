/**
 * The one error type the HTTP edge trusts (after hono's `HTTPException`): a status and the exact body the owning
 * service's upstream would send. Services throw it, or map their domain errors into it with their
 * {@link ErrorFormat}; anything else becomes a generic 500 (see error-handler.ts).
 *
 * @example
 * throw new HttpError(409, { code: 409, message: `an equivalent entry already exists ... ${uuid}` },
 *   { headers: { Location: `/api/v1/log/entries/${uuid}` } });
 */
export class HttpError extends Error {
  readonly status: number;
  /** JSON value (sent as application/json), string (text/plain), or undefined (empty body). */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    body: unknown,
    options: { headers?: Record<string, string>; cause?: unknown; message?: string } = {},
  ) {
    super(options.message ?? `HTTP ${status}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.headers = Object.freeze({ ...options.headers });
  }
}

/**
 * Failures the edge itself detects, before or around a service's handlers. Each {@link ErrorFormat} turns them into
 * its upstream's status and body.
 */
export type ProblemKind =
  | 'NOT_FOUND' // no route matched
  | 'MALFORMED_BODY' // body-parser 'entity.parse.failed'
  | 'BODY_TOO_LARGE' // body-parser 'entity.too.large'
  | 'BAD_REQUEST' // other client errors from body-parser (unsupported charset/encoding, aborted, bad length)
  | 'INTERNAL'; // anything not an HttpError: never described to the client

export interface Problem {
  readonly kind: ProblemKind;
  /** Suggested HTTP status (404, 400, 413, 4xx from body-parser, 500). */
  readonly status: number;
  /** Request path, as some upstreams echo it (go-openapi: `path /x was not found`). */
  readonly path: string;
}

/** A service's error dialect: how its upstream words the edge's problems. */
export interface ErrorFormat {
  readonly name: string;
  toHttpError(problem: Problem): HttpError;
}
