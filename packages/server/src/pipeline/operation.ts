import type { OperationAt, OperationHandler, OperationInput, PathsWith } from '@sigbox/api';
import type { Answer } from './answer.js';

/**
 * How an operation's body is read (see body-reader.ts):
 * - `json`: JSON when the Content-Type is application/json, else no body (go-swagger binds only declared types);
 * - `any-json`: JSON whatever the Content-Type says (grpc-gateway and ctfe parse every body as JSON);
 * - `form`: form fields (application/x-www-form-urlencoded) or JSON, by Content-Type;
 * - `bytes`: the raw bytes, any Content-Type.
 */
export type BodyKind = 'json' | 'any-json' | 'form' | 'bytes';

export interface OperationOptions {
  /** Read and parse the request body this way; without it a body is never read. */
  readonly body?: BodyKind;
  /** A tighter body limit than the app's (bytes). */
  readonly bodyLimit?: number;
  /** Answer conditional GETs: a weak ETag on 200s and 304 when `If-None-Match` has it (for documents that rarely change). */
  readonly conditional?: boolean;
  /**
   * The last path parameter takes the rest of the path, slashes included: C2SP tile indexes span segments
   * (`tile/1/x001/234.p/17`), which OpenAPI templates cannot say.
   */
  readonly restParam?: boolean;
}

/** The methods operations are defined for: GET (which also answers HEAD) and POST. */
export type OperationMethod = 'GET' | 'POST';

/** One HTTP operation as the pipeline runs it: defined once, with its route, body kind and handler. */
export interface Operation extends OperationOptions {
  readonly method: OperationMethod;
  /** The OpenAPI path template (`/api/v1/log/entries/{entryUUID}`); also the route label in metrics and logs. */
  readonly path: string;
  handle(input: OperationInput<never>): Answer | Promise<Answer>;
}

type AnyHandle = Operation['handle'];

/**
 * Operation definitions checked against the `paths` generated from one OpenAPI file: the path and method must be
 * documented there, and the handler's answers must be documented answers of that operation.
 *
 * @example
 * const op = operationsOf<rekorV1.paths>();
 * const getLogInfo = op.get('/api/v1/log', async () => ({ status: 200, body: await log.logInfo() }));
 */
export function operationsOf<Paths>() {
  return {
    get<P extends PathsWith<Paths, 'get'>>(path: P, handle: NoInfer<OperationHandler<OperationAt<Paths, P, 'get'>>>, options: OperationOptions = {}): Operation {
      return { ...options, method: 'GET', path, handle: handle as unknown as AnyHandle };
    },
    post<P extends PathsWith<Paths, 'post'>>(
      path: P,
      options: OperationOptions & { readonly body: BodyKind },
      handle: NoInfer<OperationHandler<OperationAt<Paths, P, 'post'>>>,
    ): Operation {
      return { ...options, method: 'POST', path, handle: handle as unknown as AnyHandle };
    },
  };
}
