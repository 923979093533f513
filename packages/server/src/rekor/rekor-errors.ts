import { RekorError } from '@sigbox/rekor';
import { HttpError } from '../http-error.js';

/**
 * Rekor's domain errors as upstream answers them: `{"code","message"}` with upstream's status and text,
 * 409 with the existing entry's Location, 503 when the log takes no entry now (tessera's ErrPushback; the
 * pipeline adds Retry-After). The personality has already mapped the engine's errors to these.
 */
export function mapRekorError(err: unknown): HttpError | undefined {
  if (!(err instanceof RekorError)) return undefined;
  const headers: Record<string, string> = {};
  const existing = err.details?.entryId;
  if (err.code === 'DUPLICATE_ENTRY' && typeof existing === 'string') headers.Location = `/api/v1/log/entries/${existing}`;
  return new HttpError(err.status, { code: err.bodyCode, message: err.message }, { headers, cause: err });
}
