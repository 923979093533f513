import { RekorError } from '@sigbox/rekor';
import { HttpError } from '../http-error.js';

/** Seconds a pushed-back client should wait: about one batch's integration. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Rekor's domain errors as upstream answers them: `{"code","message"}` with upstream's status and text,
 * 409 with the existing entry's Location, 503 with Retry-After when the log takes no entry now (tessera's
 * ErrPushback). The personality has already mapped the engine's errors to these.
 */
export function mapRekorError(err: unknown): HttpError | undefined {
  if (!(err instanceof RekorError)) return undefined;
  const headers: Record<string, string> = {};
  const existing = err.details?.entryId;
  if (err.code === 'DUPLICATE_ENTRY' && typeof existing === 'string') headers.Location = `/api/v1/log/entries/${existing}`;
  if (err.code === 'UNAVAILABLE') headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  return new HttpError(err.status, { code: err.bodyCode, message: err.message }, { headers, cause: err });
}
