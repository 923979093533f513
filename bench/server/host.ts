/**
 * A server for bench/server: the same two operations — a hot read answering 1.5 KB of JSON kept as bytes, and a
 * JSON POST echoing one field of a 1.5 KB body — hosted `pipeline` (Sigbox's request pipeline, as `sigbox up` serves
 * every route), `express` (Express 5 with express.json, its router and res.json/res.send, as the routes were
 * served before the pipeline) or `bare` (a node:http listener that does only the work itself: the floor, with no
 * routing, error mapping, request log or metrics). Prints `listening on <url>` on stderr. Run by main.ts.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { createApp, operationsOf, serializedJson } from '@sigbox/server';

/** What the read answers: an entry-sized JSON document, serialized once. */
export const READ_BODY = Buffer.from(JSON.stringify({ entry: 'x'.repeat(1480) }));

interface Op {
  parameters: { query?: { logIndex?: string }; header?: never; path?: never; cookie?: never };
  requestBody?: { content: { 'application/json': unknown } };
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': unknown } }; 201: { headers: Record<string, unknown>; content: { 'application/json': { kind: unknown } } } };
}
interface Paths {
  '/read': { parameters: object; get: Op };
  '/write': { parameters: object; post: Op };
}

function pipelineHost(): RequestListener {
  const op = operationsOf<Paths>();
  return createApp({
    logger: pino({ enabled: false }),
    apis: [
      {
        name: 'bench',
        prefixes: ['/read', '/write'],
        errorFormat: { name: 'bench', toHttpError: () => { throw new Error('unused'); } },
        operations: [
          op.get('/read', () => ({ status: 200, body: serializedJson(READ_BODY) })),
          op.post('/write', { body: 'json' }, ({ body }) => ({ status: 201, body: { kind: (body as { kind?: unknown }).kind } })),
        ],
      },
    ],
  });
}

function expressHost(): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: 4 * 1024 * 1024 }));
  app.get('/read', (_req, res) => void res.type('application/json').send(READ_BODY));
  app.post('/write', (req, res) => void res.status(201).json({ kind: (req.body as { kind?: unknown }).kind }));
  return app;
}

function bareHost(): RequestListener {
  const answer = (res: Parameters<RequestListener>[1], status: number, body: Uint8Array) => {
    res.writeHead(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length)]);
    res.end(body);
  };
  return (req, res) => {
    if (req.method === 'GET') return answer(res, 200, READ_BODY);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind?: unknown };
      answer(res, 201, Buffer.from(JSON.stringify({ kind: body.kind })));
    });
  };
}

const hosts: Record<string, () => RequestListener> = { pipeline: pipelineHost, express: expressHost, bare: bareHost };
const host = (hosts[process.argv[2] ?? 'pipeline'] ?? pipelineHost)();
const server = createServer(host).listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
