export type * as ct from './__generated__/ct.js';
export type * as explorer from './__generated__/explorer.js';
export type * as fulcio from './__generated__/fulcio.js';
export type * as rekorV1 from './__generated__/rekor-v1.js';
export type * as rekorV2 from './__generated__/rekor-v2.js';
export type * as sigbox from './__generated__/sigbox.js';
export type * as tsa from './__generated__/tsa.js';
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
export type {
  HttpMethod,
  MethodsOf,
  PathsWith,
  OperationAt,
  RequestHeaders,
  OperationInput,
  SerializedJson,
  AnswerBody,
  OperationAnswer,
  OperationHandler,
} from './route.js';
