import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
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

export interface FastAnswer {
  readonly status: number;
  readonly contentType: string;
  /** Bytes, not a string: a string costs the socket a UTF-8 length and an encoding per answer. */
  readonly body: Uint8Array;
}

/** `app` behind a lane that answers the given GET routes itself when it can. */
export function withFastLane(app: RequestListener, routes: readonly FastRoute[], observer: RequestObserver): RequestListener {
  if (routes.length === 0) return app;
  const byPath = new Map(routes.map((r) => [r.path, r]));
  return (req, res) => {
    const url = req.url ?? '/';
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

function send(res: ServerResponse<IncomingMessage>, answer: FastAnswer, requestId: string, finished: () => void): void {
  // A flat [name, value, …] list: Node writes it as given, without walking an object's keys.
  res.writeHead(answer.status, ['content-type', answer.contentType, 'content-length', String(answer.body.length), 'x-request-id', requestId]);
  res.end(answer.body, finished);
}
