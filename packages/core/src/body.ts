import { concatBytes } from './encoding.js';

/**
 * A fetch Response's body, read until `limit` bytes: `undefined` (and the body cancelled) when Content-Length
 * declares more or the stream passes the limit, since a remote server is trusted neither to send what its
 * Content-Length says nor to stop. Callers throw their own typed error on `undefined`.
 */
export async function readBodyWithin(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}
