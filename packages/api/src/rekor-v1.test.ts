// Type-level tests of openapi/rekor-v1.yaml: `npx tsc -p tsconfig.check.json` fails if a @ts-expect-error below
// stops being an error, i.e. if the spec stops holding handlers to the fields clients rely on.
import { describe, expectTypeOf, it } from 'vitest';
import type { RekorV1Handler, rekorV1 } from './index.js';
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

describe('RekorV1Handler', () => {
  it('accepts a complete LogEntry and rejects one without its proof', () => {
    const ok: RekorV1Handler<'getLogEntryByUUID'> = (req, res) => {
      expectTypeOf(req.params).toEqualTypeOf<{ entryUUID: string }>();
      res.status(200).json({ [req.params.entryUUID]: anon });
    };
    const wrong: RekorV1Handler<'getLogEntryByUUID'> = (req, res) => {
      const { verification: _dropped, ...withoutProof } = anon;
      // @ts-expect-error: clients rely on verification (inclusion proof and SET) being present.
      res.json({ [req.params.entryUUID]: withoutProof });
    };
    expectTypeOf(ok).toEqualTypeOf(wrong);
  });

  it('holds LogInfo to the fields clients read', () => {
    const wrong: RekorV1Handler<'getLogInfo'> = (_req, res) => {
      // @ts-expect-error: treeID is a decimal string, and signedTreeHead is required.
      res.json({ rootHash: '00'.repeat(32), treeSize: 1, treeID: 1 });
    };
    expectTypeOf(wrong).not.toBeAny();
    // @ts-expect-error: not an operationId of openapi/rekor-v1.yaml.
    type Missing = RekorV1Handler<'getLogEntryProof'>;
    expectTypeOf<Missing>().not.toBeAny();
  });
});
