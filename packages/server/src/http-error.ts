/**
 * The one error type the HTTP edge trusts (after hono's `HTTPException`): a status and the exact body the owning
 * API's upstream would send. Handlers throw it, or their API maps domain errors into it; anything else becomes a
 * generic 500 (see pipeline/error-answer.ts).
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
 * Failures the pipeline itself detects, before or around an API's handlers. Each {@link ErrorFormat} turns them into
 * its upstream's status and body.
 */
export type ProblemKind =
  | 'NOT_FOUND' // no operation at this path
  | 'METHOD_NOT_ALLOWED' // operations at this path, none for this method
  | 'MALFORMED_BODY' // a body that is not the JSON it should be
  | 'BODY_TOO_LARGE' // over the body limit
  | 'BAD_REQUEST' // any other unreadable request: an unsupported charset or encoding, an aborted body, a bad path escape
  | 'UNAVAILABLE' // the database (or the log engine over it) did not answer: 503, retry later
  | 'INTERNAL'; // anything not an HttpError: never described to the client

export interface Problem {
  readonly kind: ProblemKind;
  /** Suggested HTTP status (404, 405, 400, 413, 415, 503, 500). */
  readonly status: number;
  /** Request path, as some upstreams echo it (go-openapi: `path /x was not found`). */
  readonly path: string;
}

/** An API's error dialect: how its upstream words the pipeline's problems. */
export interface ErrorFormat {
  readonly name: string;
  toHttpError(problem: Problem): HttpError;
}
