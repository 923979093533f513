// Type-level tests of openapi/ct.yaml: `npm run typecheck` fails if a @ts-expect-error below
// stops being an error, i.e. if the spec stops holding handlers to the RFC 6962 JSON that ct-go clients parse.
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationAnswer, OperationAt, OperationHandler, PathsWith, ct } from './index.js';
import type { PathParams, QueryParams, RequestBody, ResponseBody, SuccessBody } from './operation.js';

type Ops = ct.operations;
type Schemas = ct.components['schemas'];

const HASH = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const sct: Schemas['AddChainResponse'] = {
  sct_version: 0,
  id: HASH,
  timestamp: 1_767_225_600_000,
  extensions: '',
  signature: 'BAMARzBFAiEA',
};
const sth: Schemas['GetSTHResponse'] = {
  tree_size: 1,
  timestamp: 1_767_225_600_000,
  sha256_root_hash: HASH,
  tree_head_signature: 'BAMARzBFAiEA',
};
const entry: Schemas['LeafEntry'] = { leaf_input: 'AAA=', extra_data: 'AAAA' };
const BAD_REQUEST = 'Bad Request\ncert chain was empty\n';

describe('ct operations', () => {
  it('keeps the RFC 6962 parameter names', () => {
    expectTypeOf<PathParams<Ops['getEntries']>>().toEqualTypeOf<{}>();
    expectTypeOf<QueryParams<Ops['getEntries']>>().toEqualTypeOf<{ start?: string | string[]; end?: string | string[] }>();
    expectTypeOf<QueryParams<Ops['getSthConsistency']>>().toEqualTypeOf<{
      first?: string | string[];
      second?: string | string[];
    }>();
    expectTypeOf<QueryParams<Ops['getProofByHash']>>().toEqualTypeOf<{
      hash?: string | string[];
      tree_size?: string | string[];
    }>();
    expectTypeOf<QueryParams<Ops['getEntryAndProof']>>().toEqualTypeOf<{
      leaf_index?: string | string[];
      tree_size?: string | string[];
    }>();
    expectTypeOf<RequestBody<Ops['addPreChain']>>().toEqualTypeOf<{ chain: string[] }>();
  });

  it('answers 200 with JSON and errors as plain text', () => {
    expectTypeOf<ResponseBody<Ops['addChain'], 200>>().toEqualTypeOf<Schemas['AddChainResponse']>();
    expectTypeOf<ResponseBody<Ops['addPreChain'], 200>>().toEqualTypeOf<Schemas['AddChainResponse']>();
    expectTypeOf<ResponseBody<Ops['addPreChain'], 400>>().toEqualTypeOf<string>();
    expectTypeOf<ResponseBody<Ops['getProofByHash'], 404>>().toEqualTypeOf<string>();
    expectTypeOf<ResponseBody<Ops['getSth'], 405>>().toEqualTypeOf<string>();
    expectTypeOf<SuccessBody<Ops['getSth']>>().toEqualTypeOf<Schemas['GetSTHResponse']>();
    expectTypeOf<SuccessBody<Ops['getSthConsistency']>>().toEqualTypeOf<{ consistency: string[] }>();
    expectTypeOf<SuccessBody<Ops['getProofByHash']>>().toEqualTypeOf<{ leaf_index: number; audit_path: string[] }>();
    expectTypeOf<SuccessBody<Ops['getEntries']>>().toEqualTypeOf<{ entries: Schemas['LeafEntry'][] }>();
    expectTypeOf<SuccessBody<Ops['getRoots']>>().toEqualTypeOf<{ certificates: string[] }>();
    expectTypeOf<SuccessBody<Ops['getEntryAndProof']>>().toEqualTypeOf<Schemas['GetEntryAndProofResponse']>();
    // Fulcio's jsonclient retries a 503 after Retry-After, so the header is part of the contract.
    expectTypeOf<Ops['addPreChain']['responses'][503]['headers']['Retry-After']>().toEqualTypeOf<number>();
    // @ts-expect-error: jsonclient parses only 200; add-chain never answers 201.
    type Created = ResponseBody<Ops['addChain'], 201>;
    expectTypeOf<Created>().not.toBeAny();
  });
});

type At<P extends keyof ct.paths, M extends 'get' | 'post'> = OperationAt<ct.paths, P, M>;

describe('CT answers', () => {
  it('accepts an SCT and a plain-text refusal', () => {
    const ok: OperationHandler<At<'/ct/v1/add-pre-chain', 'post'>> = ({ body }) => {
      expectTypeOf(body).toBeUnknown();
      return { status: 200, body: sct };
    };
    const refusing: OperationAnswer<At<'/ct/v1/add-pre-chain', 'post'>> = { status: 400, body: BAD_REQUEST, contentType: 'text/plain' };
    expectTypeOf([ok, refusing]).not.toBeAny();
  });

  it('rejects SCTs clients cannot parse', () => {
    type AddChain = OperationAnswer<At<'/ct/v1/add-chain', 'post'>>;
    const { extensions: _dropped, ...withoutExtensions } = sct;
    // @ts-expect-error: ct-go reads every AddChainResponse field; extensions is "" when empty, never absent.
    const noExtensions: AddChain = { status: 200, body: withoutExtensions };
    // @ts-expect-error: RFC 6962 defines only sct_version 0 (v1).
    const v2: AddChain = { status: 200, body: { ...sct, sct_version: 1 } };
    // @ts-expect-error: the timestamp is a JSON number of milliseconds (uint64 upstream), not a string.
    const textTime: AddChain = { status: 200, body: { ...sct, timestamp: '1767225600000' } };
    // @ts-expect-error: errors are Go http.Error text, not a JSON object.
    const jsonError: AddChain = { status: 400, body: { code: 400, message: 'cert chain was empty' } };
    expectTypeOf([noExtensions, v2, textTime, jsonError]).not.toBeAny();
  });

  it('holds tree heads, proofs and entries to the RFC 6962 JSON', () => {
    const ok: OperationAnswer<At<'/ct/v1/get-sth', 'get'>> = { status: 200, body: sth };
    // @ts-expect-error: tree_size is a JSON number, not a decimal string (unlike Rekor's treeID).
    const textSize: OperationAnswer<At<'/ct/v1/get-sth', 'get'>> = { status: 200, body: { ...sth, tree_size: '1' } };
    const proof: OperationHandler<At<'/ct/v1/get-proof-by-hash', 'get'>> = ({ query }) => {
      expectTypeOf(query.tree_size).toEqualTypeOf<string | string[] | undefined>();
      return { status: 200, body: { leaf_index: 0, audit_path: [] } };
    };
    // @ts-expect-error: an empty audit path is [], never null (ct-go emptyProof).
    const nullPath: OperationAnswer<At<'/ct/v1/get-proof-by-hash', 'get'>> = { status: 200, body: { leaf_index: 0, audit_path: null } };
    const entries: OperationAnswer<At<'/ct/v1/get-entries', 'get'>> = { status: 200, body: { entries: [entry] } };
    // @ts-expect-error: every entry carries its chain in extra_data.
    const noChain: OperationAnswer<At<'/ct/v1/get-entries', 'get'>> = { status: 200, body: { entries: [{ leaf_input: entry.leaf_input }] } };
    expectTypeOf([ok, textSize, proof, nullPath, entries, noChain]).not.toBeAny();
    // @ts-expect-error: not a path of openapi/ct.yaml (RFC 6962 names are kebab-case: get-sth).
    const missing: PathsWith<ct.paths, 'get'> = '/ct/v1/getSTH';
    expectTypeOf(missing).not.toBeAny();
  });
});
