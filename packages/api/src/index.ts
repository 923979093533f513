import type { Handler } from './handler.js';
import type * as ct from './__generated__/ct.js';
import type * as fulcio from './__generated__/fulcio.js';
import type * as rekorV1 from './__generated__/rekor-v1.js';
import type * as sigbox from './__generated__/sigbox.js';

export type * as ct from './__generated__/ct.js';
export type * as fulcio from './__generated__/fulcio.js';
export type * as rekorV1 from './__generated__/rekor-v1.js';
export type * as sigbox from './__generated__/sigbox.js';
export type { Handler } from './handler.js';
export type {
  OperationShape,
  PathParams,
  QueryParams,
  RequestBody,
  ResponseStatus,
  ResponseBody,
  AnyResponseBody,
  SuccessBody,
} from './operation.js';

/** A handler for one operation of openapi/sigbox.yaml. */
export type SigboxHandler<Id extends keyof sigbox.operations> = Handler<sigbox.operations, Id>;

/** A handler for one operation of openapi/rekor-v1.yaml (the Rekor v1-compatible log API). */
export type RekorV1Handler<Id extends keyof rekorV1.operations> = Handler<rekorV1.operations, Id>;

/** A handler for one operation of openapi/fulcio.yaml (the Fulcio-compatible CA API). */
export type FulcioHandler<Id extends keyof fulcio.operations> = Handler<fulcio.operations, Id>;

/** A handler for one operation of openapi/ct.yaml (the RFC 6962 certificate-transparency log API). */
export type CtHandler<Id extends keyof ct.operations> = Handler<ct.operations, Id>;
