import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ErrorFormat } from '../http-error.js';
import { type Answer, type EncodedAnswer, encodeAnswer } from './answer.js';
import type { Api } from './api.js';
import { readBody } from './body-reader.js';
import { conditionalAnswer } from './conditional.js';
import { isOverCap, overCapProblem } from './connection-cap.js';
import { errorAnswer } from './error-answer.js';
import { HANDLER_TURN_BUDGET_MS, createHandlerTurns } from './handler-turns.js';
import { type Observation, UNMATCHED_ROUTE, createRequestObserver } from './request-observer.js';
import { type Route, createRouteTable } from './route-table.js';

/** What a guard sees of a request: it runs after routing and before the body is read. */
export interface GuardedRequest {
  readonly method: string;
  /** The path asked for, without the query string. */
  readonly path: string;
  /** The operation's path template (`/api/v1/log/entries/{entryUUID}`). */
  readonly route: string;
  /** The API the operation belongs to (`fulcio`, `rekor`, `ct`, `sigbox`…). */
  readonly api: string;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string | undefined;
  /**
   * Calls `listener` once the request is over: its answer sent, or its connection gone before that. An admission
   * guard releases its slot here (and forgets a request whose client left while it waited).
   */
  onClosed(listener: () => void): void;
}

/**
 * A check every request passes before its operation runs — where rate limits and authentication plug in. It
 * refuses by throwing (an HttpError, or a domain error the owning API maps); the refusal is answered in that API's
 * error dialect, observed and logged like any answer, and the body is never read.
 */
export type Guard = (request: GuardedRequest) => void | Promise<void>;

export interface PipelineOptions {
  readonly apis: readonly Api[];
  readonly logger: Logger;
  readonly registry: Registry;
  /** Request body limit in bytes (an operation may set a tighter one). */
  readonly bodyLimit: number;
  /** Milliseconds a body has to arrive once the pipeline starts reading it (408 past them). */
  readonly bodyTimeoutMs: number;
  /** How errors on paths no API owns are worded. */
  readonly fallbackErrorFormat: ErrorFormat;
  readonly guards?: readonly Guard[];
}

const EMPTY_QUERY: Readonly<Record<string, never>> = Object.freeze({});

/** Answers without a body that must not carry a Content-Length of their own (RFC 9110 §8.6). */
const BODILESS = new Set([204, 304]);

function send(res: ServerResponse, answer: EncodedAnswer, observation: Observation, route: string): void {
  // A flat [name, value, …] list: Node writes it as given, without walking an object's keys.
  const headers = ['x-request-id', observation.requestId];
  if (!BODILESS.has(answer.status)) headers.push('content-length', String(answer.body.length));
  if (answer.contentType !== undefined) headers.push('content-type', answer.contentType);
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers.push(name, value);
  res.writeHead(answer.status, headers);
  // Node writes no body for HEAD, keeping the GET's Content-Length.
  res.end(answer.body, () => observation.finish(route, answer.status));
}

/**
 * The one request pipeline of every operation of every API: route → guards → read and parse the body → handler
 * (in its own turn of the event loop) → answer, and any failure on the way → the owning API's error answer. Each
 * request is observed once (request log line, metrics, `x-request-id`) whatever its outcome. Answers are written
 * in one go, already serialized.
 */
export function createPipeline(options: PipelineOptions): RequestListener {
  const { logger, bodyLimit, bodyTimeoutMs, fallbackErrorFormat: fallback } = options;
  const guards = options.guards ?? [];
  const table = createRouteTable(options.apis);
  const observer = createRequestObserver(logger, options.registry);
  const turns = createHandlerTurns(HANDLER_TURN_BUDGET_MS);

  async function run(req: IncomingMessage, res: ServerResponse, route: Route, path: string, query: string | undefined): Promise<Answer> {
    const { operation } = route;
    // Before anything costs: a connection over the cap is answered and closed (connection-cap.ts).
    if (isOverCap(req.socket)) throw overCapProblem();
    for (const guard of guards) {
      await guard({
        method: req.method ?? 'GET',
        path,
        route: operation.path,
        api: route.api.name,
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
        onClosed: (listener) => void res.once('close', listener),
      });
    }
    const body = operation.body === undefined ? undefined : await readBody(req, operation.body, { limit: operation.bodyLimit ?? bodyLimit, timeoutMs: bodyTimeoutMs });
    // The handler's CPU waits for its own turn of the event loop, so that reading, accepting and timers go on
    // between handlers however many requests are in (handler-turns.ts).
    await turns.next();
    return operation.handle({ params: route.params as never, query: (query === undefined ? EMPTY_QUERY : parseQuery(query)) as never, body, headers: req.headers });
  }

  return (req, res) => {
    const observation = observer.start(req);
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const method = req.method ?? 'GET';
    let route: Route | undefined;
    const failed = (err: unknown): EncodedAnswer => encodeAnswer(errorAnswer(err, { method, path, owner: route?.api ?? table.owner(path), fallback, logger }));
    const answered = (encoded: EncodedAnswer): void => {
      try {
        send(res, encoded, observation, route?.operation.path ?? UNMATCHED_ROUTE);
      } catch (err) {
        // Only a handler's malformed header can get here; the client gets nothing better than a closed socket.
        logger.error({ err, method, path }, 'answer could not be sent');
        res.destroy();
      }
    };
    new Promise<Answer>((resolve) => {
      route = table.match(method, path);
      resolve(run(req, res, route, path, queryAt < 0 ? undefined : url.slice(queryAt + 1)));
    }).then(
      (answer) => {
        let encoded: EncodedAnswer;
        try {
          encoded = encodeAnswer(answer);
        } catch (err) {
          encoded = failed(err);
        }
        answered(route?.operation.conditional ? conditionalAnswer(req.headers, encoded) : encoded);
      },
      (err: unknown) => answered(failed(err)),
    );
  };
}
