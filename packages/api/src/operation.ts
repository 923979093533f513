/**
 * Framework-neutral views of one operation of an openapi-typescript `operations` map (generated with
 * `--root-types`, so keyed by `operationId`; scripts/gen-api.mjs).
 *
 * Wire values are strings until a handler converts them: path parameters are always present strings, query
 * parameters are optional strings (or repeated strings), whatever type the spec gives them. Convert decimal
 * uint64s, base64 and hex to `bigint`/`Uint8Array` at the handler edge, never deeper.
 *
 * @example
 * type P = PathParams<rekorV1.operations['getLogEntryByUUID']>;          // { entryUUID: string }
 * type R = ResponseBody<sigbox.operations['getHealth'], 200>;            // { status: 'SERVING' | 'NOT_SERVING' }
 */

/** The minimal shape every generated operation has. */
export interface OperationShape {
  parameters: { query?: unknown; path?: unknown; header?: unknown; cookie?: unknown };
  requestBody?: unknown;
  responses: object;
}

type Keys<T> = [T] extends [never] ? never : T extends object ? keyof T : never;

/** Path parameters as the router delivers them: every declared name, percent-decoded, as a string. */
export type PathParams<Op extends OperationShape> = { [K in Keys<NonNullable<Op['parameters']['path']>>]-?: string };

/** Query parameters as `node:querystring` parses them: any may be missing or repeated, whatever the spec says. */
export type QueryParams<Op extends OperationShape> = {
  [K in Keys<NonNullable<Op['parameters']['query']>>]?: string | string[];
};

type ContentOf<T> = T extends { content: infer C } ? C[keyof C] : undefined;

/** The documented request body (any media type), for validators to produce; `undefined` when there is none. */
export type RequestBody<Op extends OperationShape> = ContentOf<NonNullable<Op['requestBody']>>;

/** HTTP status codes the operation documents. */
export type ResponseStatus<Op extends OperationShape> = keyof Op['responses'] & (number | 'default');

/** The body documented for one status (any media type); `undefined` when the response has no body. */
export type ResponseBody<Op extends OperationShape, S extends ResponseStatus<Op>> = S extends keyof Op['responses']
  ? ContentOf<Op['responses'][S]>
  : never;

/** Union of every documented response body. */
export type AnyResponseBody<Op extends OperationShape> = {
  [S in ResponseStatus<Op>]: ResponseBody<Op, S>;
}[ResponseStatus<Op>];

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206;

/** Union of the 2xx response bodies. */
export type SuccessBody<Op extends OperationShape> = {
  [S in ResponseStatus<Op> & SuccessStatus]: ResponseBody<Op, S>;
}[ResponseStatus<Op> & SuccessStatus];
