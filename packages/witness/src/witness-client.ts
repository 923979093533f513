import { MAX_RESPONSE_BYTES, type WitnessResponse } from './add-checkpoint.js';
import { WitnessError } from './error.js';

/** Per request, after Tessera's witness client, which gives a witness no more than the append path can wait. */
export const DEFAULT_WITNESS_TIMEOUT_MS = 5_000;

/** `<prefix>/add-checkpoint` (tlog-witness: `POST <submission prefix>/add-checkpoint`). */
export function addCheckpointUrl(prefix: string): URL {
  return new URL('add-checkpoint', prefix.endsWith('/') ? prefix : `${prefix}/`);
}

async function readCapped(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_RESPONSE_BYTES) throw new WitnessError('INVALID_RESPONSE', `answer of ${length} bytes is too large`);
  const body = await response.text();
  if (body.length > MAX_RESPONSE_BYTES) throw new WitnessError('INVALID_RESPONSE', 'answer is too large');
  return body;
}

/**
 * POSTs an add-checkpoint body to the witness at `prefix` and returns its answer, whatever the status; only a
 * witness that cannot be reached or does not answer within `timeoutMs` throws (UNREACHABLE, TIMEOUT).
 */
export async function postAddCheckpoint(prefix: string, body: string, options: { timeoutMs?: number } = {}): Promise<WitnessResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WITNESS_TIMEOUT_MS;
  const url = addCheckpointUrl(prefix);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: await readCapped(response) };
  } catch (cause) {
    if (cause instanceof WitnessError) throw cause;
    const name = (cause as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new WitnessError('TIMEOUT', `witness ${url.origin} did not answer within ${timeoutMs} ms`, { cause });
    }
    throw new WitnessError('UNREACHABLE', `witness ${url.origin} could not be reached`, { cause });
  }
}
