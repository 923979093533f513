import type { IncomingMessage } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { BodyKind } from './operation.js';
import { RequestProblem } from './request-problem.js';

/**
 * The one body reader of every operation. Its rules are body-parser's, which Express applied before
 * (expressjs/body-parser 2.x `lib/read.js`, `lib/types/json.js`), so clients see the same answers:
 * - a request without Content-Length or Transfer-Encoding has no body (undefined); a declared empty JSON body is `{}`;
 * - a declared length over the limit is refused before reading (413), as is a body that grows past it;
 * - gzip, deflate and br bodies are inflated (the limit applies to the inflated bytes), other encodings 415;
 * - text is UTF-8 (a stated charset other than UTF-8 is 415); a leading byte order mark is dropped;
 * - JSON is strict: only an object or an array at the top (400 otherwise, like a syntax error).
 * One rule is not body-parser's: the body must be in within a deadline (408 past it, and the connection is closed),
 * as Go's http.Server ReadTimeout bounds upstream's reads; a client sending a few bytes a second must not hold a
 * connection and its buffers for minutes.
 */

/** How much and how long: a body's byte limit and its read deadline. */
export interface BodyLimits {
  /** Bytes, after inflating. */
  readonly limit: number;
  /** Milliseconds from the start of reading to the body's last byte. */
  readonly timeoutMs: number;
}

const JSON_WHITESPACE_THEN_FIRST = /^[\x20\x09\x0a\x0d]*(.)/s;
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

/** Whether the request declares a body at all (type-is `hasBody`). */
function declaresBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

function inflated(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }[encoding];
  if (encoding === 'identity') return req;
  if (inflate === undefined) throw new RequestProblem('BAD_REQUEST', 415, `unsupported content encoding "${encoding}"`);
  return req.pipe(inflate());
}

/** The body's bytes, at most `limit` of them, all in within `timeoutMs`. */
function readBytes(req: IncomingMessage, { limit, timeoutMs }: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new RequestProblem('BODY_TOO_LARGE', 413, `a body of ${declared} bytes is over the limit of ${limit}`));
  const stream = inflated(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const deadline = setTimeout(() => {
      // What is left of the body is not worth reading: the answer closes the connection (error-answer.ts).
      req.pause();
      fail(new RequestProblem('BAD_REQUEST', 408, `the body did not arrive within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (problem: RequestProblem): void => {
      clearTimeout(deadline);
      stream.removeAllListeners('data');
      if (stream !== req) stream.destroy();
      reject(problem);
    };
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) fail(new RequestProblem('BODY_TOO_LARGE', 413, `the body is over the limit of ${limit} bytes`));
      else chunks.push(chunk);
    });
    stream.once('end', () => {
      clearTimeout(deadline);
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    stream.once('error', (cause: Error) => fail(new RequestProblem('BAD_REQUEST', 400, `cannot read the body: ${cause.message}`, { cause })));
    // A client gone mid-body: nothing will answer it, but the operation must not wait for ever.
    req.once('aborted', () => fail(new RequestProblem('BAD_REQUEST', 400, 'the request was aborted')));
  });
}

function utf8Text(req: IncomingMessage, bytes: Buffer): string {
  const charset = charsetOf(req.headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new RequestProblem('BAD_REQUEST', 415, `unsupported charset "${charset.toUpperCase()}"`);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = JSON_WHITESPACE_THEN_FIRST.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new RequestProblem('MALFORMED_BODY', 400, 'the body is not a JSON object or array');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RequestProblem('MALFORMED_BODY', 400, 'the body is not valid JSON', { cause });
  }
}

/** The request body as `kind` reads it, or undefined when there is none to read. */
export async function readBody(req: IncomingMessage, kind: BodyKind, limits: BodyLimits): Promise<unknown> {
  if (!declaresBody(req)) return undefined;
  const type = mediaType(req.headers['content-type']);
  if (kind === 'json' && type !== JSON_TYPE) return undefined;
  if (kind === 'form' && type !== JSON_TYPE && type !== FORM_TYPE) return undefined;
  const bytes = await readBytes(req, limits);
  if (kind === 'bytes') return bytes;
  const text = utf8Text(req, bytes);
  return kind === 'form' && type === FORM_TYPE ? { ...parseForm(text) } : parseJson(text);
}
