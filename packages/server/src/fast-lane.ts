import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { MalformedBody } from './error-handler.js';
import type { HttpError } from './http-error.js';
import type { RequestObserver } from './request-observer.js';

/**
 * A hot read answered before Express: Express's request set-up, router walk and `res.json` cost several times
 * the work of a proof read (bench/log), and reads are what monitors and verifiers do most. Only the plain
 * happy path belongs here; anything else — an odd query, a miss, an error — is left to the service's Express
 * route, so status codes and error bodies have exactly one owner.
 */
export interface FastRoute {
  /** The exact path (no parameters); also the route label in metrics and the request log. */
  readonly path: string;
  /**
   * The answer to `GET <path>?<query>`, or undefined to hand the request to the Express route unchanged. May
   * not touch the response; a rejection also hands the request over (the route then reports the error).
   */
  answer(query: string): Promise<FastAnswer | undefined>;
}

/**
 * A hot JSON POST answered before Express (the CA's signingCert: Express's body parser, router and `res.json` cost
 * the CA about as much as a certificate's own checks, bench/ca). Unlike a read, a POST cannot be handed back once
 * its body is read, so the lane answers every request it takes: a body that is not JSON as body-parser would, and
 * whatever `answer` throws through the app's one error mapping, as the error middleware would. It takes only what
 * Express's JSON parser would read as it stands — a Content-Length within the body limit, no Content-Encoding, a
 * UTF-8 (or unstated) charset — and leaves the rest to the Express route, which must exist too.
 */
export interface FastJsonPost {
  /** The exact path, without a query string; also the route label in metrics and the request log. */
  readonly path: string;
  /** The answer to the parsed body (any JSON object or array, whatever the Content-Type says, as grpc-gateway). */
  answer(body: unknown, headers: IncomingHttpHeaders): Promise<FastAnswer>;
}

/** The Content-Type Express's `res.json` writes: a fast answer in JSON says the same. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface FastAnswer {
  readonly status: number;
  readonly contentType: string;
  /** Bytes, not a string: a string costs the socket a UTF-8 length and an encoding per answer. */
  readonly body: Uint8Array;
}

export interface FastLaneOptions {
  readonly routes: readonly FastRoute[];
  readonly posts: readonly FastJsonPost[];
  readonly observer: RequestObserver;
  /** Request body limit in bytes, as the Express parsers have it. */
  readonly bodyLimit: number;
  /** The app's error mapping (the one the error middleware uses): thrown value → the owner's response. */
  readonly errorAnswer: (err: unknown, method: string, path: string) => HttpError;
}

/** `app` behind a lane that answers the given routes itself when it can. */
export function withFastLane(app: RequestListener, options: FastLaneOptions): RequestListener {
  const { routes, posts, observer } = options;
  if (routes.length === 0 && posts.length === 0) return app;
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const postByPath = new Map(posts.map((p) => [p.path, p]));
  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST') {
      const post = postByPath.get(url);
      if (post === undefined || !readableAsJson(req.headers, options.bodyLimit)) return app(req, res);
      return answerPost(post, req, res, options);
    }
    const queryAt = url.indexOf('?');
    const route = req.method === 'GET' ? byPath.get(queryAt < 0 ? url : url.slice(0, queryAt)) : undefined;
    if (route === undefined) return app(req, res);
    const observation = observer.start(req);
    route.answer(queryAt < 0 ? '' : url.slice(queryAt + 1)).then(
      (answer) => (answer === undefined ? app(req, res) : send(res, answer, observation.requestId, () => observation.finish(route.path, answer.status))),
      () => app(req, res),
    );
  };
}

/**
 * What body-parser's JSON parser reads without a case of its own: a declared, non-empty length within the limit (it
 * answers 413 beyond, `{}` for an empty body), no compression, and UTF-8 text (it refuses other charsets with 415).
 */
function readableAsJson(headers: IncomingHttpHeaders, limit: number): boolean {
  const length = Number(headers['content-length']);
  if (!(length > 0 && length <= limit) || headers['transfer-encoding'] !== undefined) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1];
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

function answerPost(post: FastJsonPost, req: IncomingMessage, res: ServerResponse<IncomingMessage>, options: FastLaneOptions): void {
  const observation = options.observer.start(req);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A client gone mid-body gets no answer; its socket is already closing.
  req.on('error', () => undefined);
  req.on('end', () => {
    const finish = (answer: FastAnswer) => send(res, answer, observation.requestId, () => observation.finish(post.path, answer.status));
    Promise.resolve()
      .then(() => post.answer(parseJson(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)), req.headers))
      .then(finish, (err: unknown) => finish(errorAnswer(options.errorAnswer(err, 'POST', post.path))));
  });
}

/** JSON as body-parser's strict parser takes it: a leading BOM dropped (iconv does), only an object or an array. */
function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const first = /\S/.exec(text.slice(start, start + 64))?.[0];
  if (first !== '{' && first !== '[') throw new MalformedBody('not a JSON object or array');
  try {
    return JSON.parse(start === 0 ? text : text.slice(start));
  } catch (cause) {
    throw new MalformedBody('invalid JSON', { cause });
  }
}

/** An HttpError as the error middleware sends it (Express's `res.json` / `res.type('text/plain').send`). */
function errorAnswer(error: HttpError): FastAnswer & { headers: Readonly<Record<string, string>> } {
  if (error.body === undefined) return { status: error.status, contentType: '', body: new Uint8Array(0), headers: error.headers };
  const text = typeof error.body === 'string';
  return {
    status: error.status,
    contentType: text ? 'text/plain; charset=utf-8' : JSON_CONTENT_TYPE,
    body: Buffer.from(text ? (error.body as string) : JSON.stringify(error.body)),
    headers: error.headers,
  };
}

function send(res: ServerResponse<IncomingMessage>, answer: FastAnswer & { headers?: Readonly<Record<string, string>> }, requestId: string, finished: () => void): void {
  // A flat [name, value, …] list: Node writes it as given, without walking an object's keys.
  const headers = ['content-length', String(answer.body.length), 'x-request-id', requestId];
  if (answer.contentType !== '') headers.push('content-type', answer.contentType);
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers.push(name, value);
  res.writeHead(answer.status, headers);
  res.end(answer.body, finished);
}
