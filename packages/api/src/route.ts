import type { OperationShape, PathParams, QueryParams, ResponseBody, ResponseStatus } from './operation.js';

/**
 * One HTTP operation as a function from what the client sent to the answer, typed from the generated `paths` of
 * an OpenAPI file: the path template and method select the operation, so a route that is not in the spec, or an
 * answer whose status or body the spec does not document, does not compile. Types only: the server's request
 * pipeline owns the runtime (reading bodies, routing, writing answers).
 *
 * @example
 * const getLogInfo: OperationHandler<OperationAt<rekorV1.paths, '/api/v1/log', 'get'>> =
 *   async () => ({ status: 200, body: await log.logInfo() });
 */

/** The methods of an OpenAPI path item, as openapi-typescript names them. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** The methods a path item documents (openapi-typescript marks the others `?: never`). */
export type MethodsOf<Item> = {
  [M in HttpMethod]-?: Item extends { [K in M]: OperationShape } ? M : never;
}[HttpMethod];

/** The paths of a `paths` map that document `method`. */
export type PathsWith<Paths, M extends HttpMethod> = {
  [P in keyof Paths]-?: M extends MethodsOf<Paths[P]> ? P : never;
}[keyof Paths] &
  string;

/** The operation documented at `path` for `method`. */
export type OperationAt<Paths, P extends keyof Paths, M extends HttpMethod> = Paths[P] extends { [K in M]: infer Op extends OperationShape } ? Op : never;

/** Request headers as Node delivers them: lower-case names, repeated ones as arrays. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a handler gets: wire-honest parameters (strings until it converts them) and the body as the client sent it. */
export interface OperationInput<Op extends OperationShape> {
  readonly params: PathParams<Op>;
  readonly query: QueryParams<Op>;
  /**
   * The parsed body (JSON value, form fields, or bytes, per the operation's body kind), or undefined when the
   * request had none. Never what the spec promises until the handler has validated it.
   */
  readonly body: unknown;
  readonly headers: RequestHeaders;
}

/**
 * JSON already serialized (a hot read writes its bytes once, not per answer). `T` is the value the bytes are the
 * JSON of; the server makes these with its `serializedJson` helper and sends the bytes as `application/json`.
 */
export interface SerializedJson<T> {
  readonly serializedJson: Uint8Array;
  /** Never set: records which documented body the bytes encode. */
  readonly encodes?: T;
}

/**
 * How a documented body may be answered: text bodies (PEM, checkpoints, octet streams, which openapi-typescript
 * types as `string`) as a string or bytes; JSON bodies as the value or its serialized bytes; no body as nothing.
 */
export type AnswerBody<B> = [B] extends [undefined] ? undefined : [B] extends [string] ? string | Uint8Array : B | SerializedJson<B>;

/** One answer the operation documents: a numeric status, its body, extra headers and, for text or bytes, a media type. */
export type OperationAnswer<Op extends OperationShape> = {
  [S in ResponseStatus<Op> & number]: [AnswerBody<ResponseBody<Op, S>>] extends [undefined]
    ? { readonly status: S; readonly body?: undefined; readonly headers?: Readonly<Record<string, string>> }
    : {
        readonly status: S;
        readonly body: AnswerBody<ResponseBody<Op, S>>;
        readonly headers?: Readonly<Record<string, string>>;
        /** Media type of a string or bytes body (JSON bodies are always `application/json; charset=utf-8`). */
        readonly contentType?: string;
      };
}[ResponseStatus<Op> & number];

/** The handler of one operation. Failures are thrown: the pipeline maps them to the owning API's error bodies. */
export type OperationHandler<Op extends OperationShape> = (input: OperationInput<Op>) => OperationAnswer<Op> | Promise<OperationAnswer<Op>>;
