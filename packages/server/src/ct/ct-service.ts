import type { CtHandler } from '@sigbox/api';
import { CT_ERROR_STATUS, CtError, type CtLog, parseChainRequest } from '@sigbox/ctlog';
import express, { type Router } from 'express';
import { HttpError } from '../http-error.js';
import { plainTextErrorFormat } from '../error-formats.js';
import type { Service } from '../service.js';

/** Seconds a pushed-back submitter should wait. */
const RETRY_AFTER_SECONDS = '1';

/** RFC 6962 logs answer like Go's http.Error: a status and a line of text; a pushed-back submitter is told when to retry. */
export function mapCtError(err: unknown): HttpError | undefined {
  if (!(err instanceof CtError)) return undefined;
  const headers: Record<string, string> = err.code === 'UNAVAILABLE' ? { 'Retry-After': RETRY_AFTER_SECONDS } : {};
  return new HttpError(CT_ERROR_STATUS[err.code], `${err.message}\n`, { headers, cause: err });
}

const query = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The RFC 6962 v1 API of the CT log (openapi/ct.yaml) under /ct/v1. The CA logs its precertificates in-process
 * through the log's SctIssuer; this surface is for monitors, auditors and other submitters.
 */
export function createCtService(log: CtLog): Service {
  const addChain: CtHandler<'addChain'> = async (req, res) => {
    res.json((await log.addChain(parseChainRequest(req.body))).response);
  };
  const addPreChain: CtHandler<'addPreChain'> = async (req, res) => {
    res.json((await log.addPreChain(parseChainRequest(req.body))).response);
  };
  const getSth: CtHandler<'getSth'> = async (_req, res) => {
    res.json(await log.getSth());
  };
  const getSthConsistency: CtHandler<'getSthConsistency'> = async (req, res) => {
    res.json(await log.getSthConsistency(query(req.query.first), query(req.query.second)));
  };
  const getProofByHash: CtHandler<'getProofByHash'> = async (req, res) => {
    res.json(await log.getProofByHash(query(req.query.hash), query(req.query.tree_size)));
  };
  const getEntries: CtHandler<'getEntries'> = async (req, res) => {
    res.json(await log.getEntries(query(req.query.start), query(req.query.end)));
  };
  const getRoots: CtHandler<'getRoots'> = (_req, res) => {
    res.json(log.getRoots());
  };
  const getEntryAndProof: CtHandler<'getEntryAndProof'> = async (req, res) => {
    res.json(await log.getEntryAndProof(query(req.query.leaf_index), query(req.query.tree_size)));
  };

  return {
    name: 'ct',
    prefixes: ['/ct'],
    errorFormat: plainTextErrorFormat,
    mapError: mapCtError,
    mount(router: Router, ctx) {
      // ct-go clients send JSON; like ctfe, parse the body whatever its Content-Type says.
      const anyJson = express.json({ type: () => true, limit: ctx.bodyLimit });
      router.post('/ct/v1/add-chain', anyJson, addChain);
      router.post('/ct/v1/add-pre-chain', anyJson, addPreChain);
      router.get('/ct/v1/get-sth', getSth);
      router.get('/ct/v1/get-sth-consistency', getSthConsistency);
      router.get('/ct/v1/get-proof-by-hash', getProofByHash);
      router.get('/ct/v1/get-entries', getEntries);
      router.get('/ct/v1/get-roots', getRoots);
      router.get('/ct/v1/get-entry-and-proof', getEntryAndProof);
    },
  };
}
