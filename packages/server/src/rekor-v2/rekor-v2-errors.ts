import { RekorV2Error } from '@sigbox/rekor';
import { HttpError } from '../http-error.js';

/**
 * Rekor v2's domain errors as rekor-tiles answers them through grpc-gateway (internal/server/{service,http}.go at
 * 74e3eb0e9b4203ee30912eb35c3467c551ef37c9): google.rpc.Status JSON at the code's HTTP status; 409 with
 * `X-Log-Index`; 405 (read-only) with the plain text and newline its response modifier writes. The pipeline adds
 * Retry-After to 503s.
 */
export function mapRekorV2Error(err: unknown): HttpError | undefined {
  if (!(err instanceof RekorV2Error)) return undefined;
  if (err.code === 'READ_ONLY') return new HttpError(405, `${err.message}\n`, { cause: err });
  const headers: Record<string, string> = {};
  const index = err.details?.logIndex;
  if (err.code === 'ALREADY_EXISTS' && typeof index === 'bigint') headers['X-Log-Index'] = index.toString();
  return new HttpError(err.status, { code: err.grpcCode, message: err.message, details: [] }, { headers, cause: err });
}
