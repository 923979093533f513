import type { Handler } from './handler.js';
import type * as sigbox from './__generated__/sigbox.js';

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
