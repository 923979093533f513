import type { RequestHandler } from 'express';
import type { AnyResponseBody, OperationShape, PathParams, QueryParams } from './operation.js';

/**
 * An Express 5 handler typed from one operation: `req.params`, `req.query` and the body passed to
 * `res.json`/`res.send` follow the spec (any documented status). `req.body` stays `unknown`: it is what the client
 * sent, not what the spec promises, so handlers validate it into {@link RequestBody} themselves (stack-notes §4:
 * the types are compile time only). Type-only import of Express: this package has no runtime code.
 *
 * @example
 * const getHealth: SigboxHandler<'getHealth'> = async (_req, res) => { res.json({ status: 'SERVING' }); };
 */
export type Handler<Ops, Id extends keyof Ops> = Ops[Id] extends OperationShape
  ? RequestHandler<PathParams<Ops[Id]>, AnyResponseBody<Ops[Id]>, unknown, QueryParams<Ops[Id]>>
  : never;
