import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EncodedAnswer } from './answer.js';

/**
 * A weak validator in the form Express's `etag` package made (`W/"<length hex>-<SHA-1 base64, 27 chars>"`),
 * so a cache that held an answer before keeps revalidating it.
 */
function weakEtag(body: Uint8Array): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
}

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

/** RFC 9110 §13.1.2: If-None-Match compares weakly; `*` matches any current answer. RFC 9111 §5.2.1.4: no-cache asks for the answer. */
function stillFresh(headers: IncomingHttpHeaders, etag: string): boolean {
  const wanted = headers['if-none-match'];
  if (wanted === undefined || /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(headers['cache-control'] ?? '')) return false;
  if (wanted.trim() === '*') return true;
  return wanted.split(',').some((tag) => opaque(tag.trim()) === opaque(etag));
}

/** A 200 with its ETag, or 304 with no body when the client's copy is current. */
export function conditionalAnswer(headers: IncomingHttpHeaders, answer: EncodedAnswer): EncodedAnswer {
  if (answer.status !== 200) return answer;
  const etag = weakEtag(answer.body);
  const withTag = { ...answer.headers, ETag: etag };
  return stillFresh(headers, etag) ? { status: 304, contentType: undefined, body: new Uint8Array(0), headers: withTag } : { ...answer, headers: withTag };
}
