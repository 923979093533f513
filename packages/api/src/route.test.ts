// Type-level tests: `npm run typecheck` fails if a @ts-expect-error below stops being an error.
import { describe, expectTypeOf, it } from 'vitest';
import type { sigbox } from './index.js';
import type { PathParams, QueryParams, RequestBody, ResponseBody, SuccessBody } from './operation.js';
import type { MethodsOf, OperationAnswer, OperationAt, OperationHandler, PathsWith, SerializedJson } from './route.js';

/** A hand-written operation in openapi-typescript's output shape, with every kind of input. */
interface GetEntry {
  parameters: {
    query?: { logIndex?: number; treeID?: string };
    header?: never;
    path: { entryUUID: string };
    cookie?: never;
  };
  requestBody: { content: { 'application/json': { kind: string } } };
  responses: {
    200: { headers: Record<string, unknown>; content: { 'application/json': { uuid: string } } };
    201: { headers: Record<string, unknown>; content: { 'application/json': { created: true } } };
    404: { headers: Record<string, unknown>; content?: never };
    default: { headers: Record<string, unknown>; content: { 'application/json': { code: number; message: string } } };
  };
}
interface GetKey {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  requestBody?: never;
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/x-pem-file': string } } };
}
interface Paths {
  '/entries/{entryUUID}': { parameters: object; get: GetEntry; post?: never };
  '/key': { parameters: object; get: GetKey; post: GetKey };
}

describe('operation types', () => {
  it('derives wire-honest params and query', () => {
    expectTypeOf<PathParams<GetEntry>>().toEqualTypeOf<{ entryUUID: string }>();
    expectTypeOf<QueryParams<GetEntry>>().toEqualTypeOf<{ logIndex?: string | string[]; treeID?: string | string[] }>();
  });

  it('derives bodies per status', () => {
    expectTypeOf<RequestBody<GetEntry>>().toEqualTypeOf<{ kind: string }>();
    expectTypeOf<ResponseBody<GetEntry, 200>>().toEqualTypeOf<{ uuid: string }>();
    expectTypeOf<ResponseBody<GetEntry, 404>>().toEqualTypeOf<undefined>();
    expectTypeOf<SuccessBody<GetEntry>>().toEqualTypeOf<{ uuid: string } | { created: true }>();
  });
});

describe('routes from paths', () => {
  it('selects operations by path and method', () => {
    expectTypeOf<MethodsOf<Paths['/entries/{entryUUID}']>>().toEqualTypeOf<'get'>();
    expectTypeOf<PathsWith<Paths, 'post'>>().toEqualTypeOf<'/key'>();
    expectTypeOf<OperationAt<Paths, '/key', 'get'>>().toEqualTypeOf<GetKey>();
    expectTypeOf<OperationAt<Paths, '/entries/{entryUUID}', 'post'>>().toBeNever();
  });

  it('answers only documented statuses and bodies, JSON also pre-serialized, text also as bytes', () => {
    const entry: OperationHandler<GetEntry> = async ({ params }) => ({ status: 200, body: { uuid: params.entryUUID } });
    const serialized: OperationAnswer<GetEntry> = { status: 200, body: { serializedJson: new Uint8Array(0) } as SerializedJson<{ uuid: string }> };
    const missing: OperationAnswer<GetEntry> = { status: 404 };
    const key: OperationAnswer<GetKey> = { status: 200, body: new Uint8Array(0), contentType: 'application/x-pem-file' };
    // @ts-expect-error: 418 is not documented.
    const teapot: OperationAnswer<GetEntry> = { status: 418 };
    // @ts-expect-error: the 200 body is { uuid }.
    const wrong: OperationAnswer<GetEntry> = { status: 200, body: { id: 'x' } };
    // @ts-expect-error: a 404 has no body.
    const bodied: OperationAnswer<GetEntry> = { status: 404, body: 'no' };
    expectTypeOf([entry, serialized, missing, key, teapot, wrong, bodied]).not.toBeAny();
  });

  it('types the real spec: /healthz answers its documented statuses only', () => {
    type Health = OperationAt<sigbox.paths, '/healthz', 'get'>;
    const ok: OperationAnswer<Health> = { status: 503, body: { status: 'NOT_SERVING' } };
    // @ts-expect-error: 'UP' is not a documented health status.
    const up: OperationAnswer<Health> = { status: 200, body: { status: 'UP' } };
    // @ts-expect-error: /nothing is not a path of openapi/sigbox.yaml.
    const nothing: PathsWith<sigbox.paths, 'get'> = '/nothing';
    expectTypeOf([ok, up, nothing]).not.toBeAny();
  });
});
