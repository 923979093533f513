// Type-level tests: `npx tsc -p tsconfig.check.json` fails if a @ts-expect-error below stops being an error.
import { describe, expectTypeOf, it } from 'vitest';
import type { SigboxHandler } from './index.js';
import type { PathParams, QueryParams, RequestBody, ResponseBody, SuccessBody } from './operation.js';

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

describe('SigboxHandler', () => {
  it('accepts documented bodies and rejects others', () => {
    const ok: SigboxHandler<'getHealth'> = (req, res) => {
      expectTypeOf(req.params).toEqualTypeOf<{}>();
      res.status(503).json({ status: 'NOT_SERVING' });
    };
    const wrong: SigboxHandler<'getHealth'> = (_req, res) => {
      // @ts-expect-error: 'UP' is not a documented health status.
      res.json({ status: 'UP' });
    };
    // @ts-expect-error: not an operationId of openapi/sigbox.yaml.
    type Missing = SigboxHandler<'getNothing'>;
    expectTypeOf(ok).toEqualTypeOf(wrong);
    expectTypeOf<Missing>().not.toBeAny();
  });
});
