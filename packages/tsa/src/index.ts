export { TsaError, type TsaErrorCode, CLIENT_MESSAGES, CLIENT_ERROR_CODES } from './error.js';
export { OID as TSA_OID, HASHES, type HashName } from './oids.js';
export {
  parseTimestampRequest,
  parseJsonTimestampRequest,
  MAX_JSON_REQUEST_BYTES,
  MAX_DER_REQUEST_BYTES,
  type TimestampRequest,
  type RequestPolicy,
} from './request.js';
export { createTimestamper, createTimestampResponse, type Timestamper, type TimestamperOptions, type TimestampResponseOptions } from './response.js';
export { createTsaChain, checkTsaLeaf, type TsaChain, type TsaChainOptions, type TsaValidity } from './chain.js';
