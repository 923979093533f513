// Type-level tests of openapi/rekor-v1.yaml: `npm run typecheck` fails if a @ts-expect-error below
// stops being an error, i.e. if the spec stops holding handlers to the fields clients rely on.
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationAnswer, OperationAt, OperationHandler, PathsWith, rekorV1 } from './index.js';
import type { PathParams, QueryParams, RequestBody, ResponseBody, SuccessBody } from './operation.js';

type Ops = rekorV1.operations;
type Anon = rekorV1.components['schemas']['LogEntryAnon'];
type ErrorBody = rekorV1.components['schemas']['Error'];

const proof: rekorV1.components['schemas']['InclusionProof'] = {
  checkpoint: 'rekor.example.com - 1\n1\nAAAA\n\n— rekor.example.com AAAA\n',
  hashes: [],
  logIndex: 0,
  rootHash: '00'.repeat(32),
  treeSize: 1,
};
const anon: Anon = {
  body: 'e30=',
  integratedTime: 1_700_000_000,
  logID: '00'.repeat(32),
  logIndex: 0,
  verification: { inclusionProof: proof, signedEntryTimestamp: 'MEUCIQ==' },
};

describe('rekor-v1 operations', () => {
  it('keeps upstream parameter names', () => {
    expectTypeOf<PathParams<Ops['getLogEntryByUUID']>>().toEqualTypeOf<{ entryUUID: string }>();
    expectTypeOf<QueryParams<Ops['getLogEntryByIndex']>>().toEqualTypeOf<{ logIndex?: string | string[] }>();
    expectTypeOf<QueryParams<Ops['getLogProof']>>().toEqualTypeOf<{
      firstSize?: string | string[];
      lastSize?: string | string[];
      treeID?: string | string[];
    }>();
    expectTypeOf<PathParams<Ops['getTile']>>().toEqualTypeOf<{ level: string; path: string }>();
  });

  it('types bodies per status', () => {
    expectTypeOf<ResponseBody<Ops['createLogEntry'], 201>>().toEqualTypeOf<{ [key: string]: Anon }>();
    expectTypeOf<ResponseBody<Ops['createLogEntry'], 409>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<ResponseBody<Ops['getLogEntryByUUID'], 404>>().toEqualTypeOf<undefined>();
    expectTypeOf<SuccessBody<Ops['searchLogQuery']>>().toEqualTypeOf<{ [key: string]: Anon }[]>();
    expectTypeOf<SuccessBody<Ops['searchIndex']>>().toEqualTypeOf<string[]>();
    expectTypeOf<SuccessBody<Ops['getPublicKey']>>().toEqualTypeOf<string>();
    expectTypeOf<RequestBody<Ops['createLogEntry']>['kind']>().toEqualTypeOf<'hashedrekord' | 'dsse' | 'intoto'>();
  });

  it('narrows ProposedEntry by kind', () => {
    const entry = {} as rekorV1.components['schemas']['ProposedEntry'];
    if (entry.kind === 'intoto') expectTypeOf(entry.apiVersion).toEqualTypeOf<'0.0.2'>();
    if (entry.kind === 'dsse') expectTypeOf(entry.spec.proposedContent.verifiers).toEqualTypeOf<string[]>();
  });
});

type At<P extends keyof rekorV1.paths, M extends 'get' | 'post'> = OperationAt<rekorV1.paths, P, M>;

describe('Rekor v1 answers', () => {
  it('accepts a complete LogEntry and rejects one without its proof', () => {
    const ok: OperationHandler<At<'/api/v1/log/entries/{entryUUID}', 'get'>> = ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<{ entryUUID: string }>();
      return { status: 200, body: { [params.entryUUID]: anon } };
    };
    const { verification: _dropped, ...withoutProof } = anon;
    // @ts-expect-error: clients rely on verification (inclusion proof and SET) being present.
    const wrong: OperationAnswer<At<'/api/v1/log/entries/{entryUUID}', 'get'>> = { status: 200, body: { x: withoutProof } };
    // An entry 404 has no body (Rekor answers it empty).
    const missing: OperationAnswer<At<'/api/v1/log/entries/{entryUUID}', 'get'>> = { status: 404 };
    expectTypeOf([ok, wrong, missing]).not.toBeAny();
  });

  it('holds LogInfo to the fields clients read', () => {
    // @ts-expect-error: treeID is a decimal string, and signedTreeHead is required.
    const wrong: OperationAnswer<At<'/api/v1/log', 'get'>> = { status: 200, body: { rootHash: '00'.repeat(32), treeSize: 1, treeID: 1 } };
    expectTypeOf(wrong).not.toBeAny();
    // @ts-expect-error: not a path of openapi/rekor-v1.yaml.
    const missing: PathsWith<rekorV1.paths, 'get'> = '/api/v1/log/entryProof';
    expectTypeOf(missing).not.toBeAny();
  });
});
