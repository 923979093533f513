import { LogError } from '@sigbox/log';
import { RekorError } from '@sigbox/rekor';
import { HttpError } from '../http-error.js';
import { rekorError } from '../error-formats.js';

/**
 * Rekor's domain errors as upstream answers them: `{"code","message"}` with upstream's status and text,
 * 409 with the existing entry's Location, 503 on pushback (tessera's ErrPushback; the pipeline adds Retry-After).
 */
export function mapRekorError(err: unknown): HttpError | undefined {
  if (err instanceof RekorError) {
    const headers: Record<string, string> = {};
    const existing = err.details?.entryId;
    if (err.code === 'DUPLICATE_ENTRY' && typeof existing === 'string') headers.Location = `/api/v1/log/entries/${existing}`;
    return new HttpError(err.status, { code: err.bodyCode, message: err.message }, { headers, cause: err });
  }
  if (err instanceof LogError) {
    switch (err.code) {
      case 'PUSHBACK':
        return rekorError(503, 'the log is busy; retry later');
      case 'CLOSED':
        return rekorError(503, 'the log is shutting down');
      case 'ENTRY_TOO_LARGE':
        return rekorError(413, 'entry too large');
      case 'INDEX_OUT_OF_RANGE':
      case 'SIZE_OUT_OF_RANGE':
        return rekorError(400, err.message);
      default:
        return undefined;
    }
  }
  return undefined;
}
