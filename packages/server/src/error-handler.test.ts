import { describe, expect, it } from 'vitest';
import { fulcioErrorFormat, grpcCodeFor, rekorErrorFormat, sigboxErrorFormat } from './error-formats.js';
import { toHttpError } from './error-handler.js';
import { HttpError } from './http-error.js';
import { findOwner, type Service } from './service.js';

const service = (name: string, prefixes: string[], extra: Partial<Service> = {}): Service => ({
  name,
  prefixes,
  errorFormat: rekorErrorFormat,
  mount() {},
  ...extra,
});

describe('findOwner', () => {
  const fulcio = service('fulcio', ['/api/v1', '/api/v2']);
  const rekor = service('rekor', ['/api/v1/log/']);
  const all = [fulcio, rekor];

  it('picks the longest matching prefix, whatever the order', () => {
    expect(findOwner(all, '/api/v1/log/entries')?.name).toBe('rekor');
    expect(findOwner([rekor, fulcio], '/api/v1/log')?.name).toBe('rekor');
    expect(findOwner(all, '/api/v1/signingCert')?.name).toBe('fulcio');
  });

  it('matches whole path segments only', () => {
    expect(findOwner(all, '/api/v1/logs')?.name).toBe('fulcio');
    expect(findOwner(all, '/api/v20')).toBeUndefined();
    expect(findOwner(all, '/healthz')).toBeUndefined();
  });
});

describe('toHttpError', () => {
  const parseError = Object.assign(new Error('Unexpected token'), { status: 400, type: 'entity.parse.failed', expose: true });

  it('passes HttpError through untouched', () => {
    const err = new HttpError(418, 'teapot');
    expect(toHttpError(err, '/x', undefined, sigboxErrorFormat)).toBe(err);
  });

  it('formats body-parser errors in the owner dialect, without their message', () => {
    const owner = service('fulcio', ['/api/v2'], { errorFormat: fulcioErrorFormat });
    const res = toHttpError(parseError, '/api/v2/signingCert', owner, sigboxErrorFormat);
    expect([res.status, res.body]).toEqual([400, { code: 3, message: 'error parsing request body', details: [] }]);
    const charset = Object.assign(new Error('x'), { status: 415, type: 'charset.unsupported', expose: true });
    expect(toHttpError(charset, '/y', undefined, sigboxErrorFormat).body).toEqual({
      code: 415,
      message: 'Unsupported Media Type',
    });
  });

  it('treats non-exposed or non-4xx errors as internal', () => {
    const hidden = Object.assign(new Error('db password wrong'), { status: 400, type: 'x', expose: false });
    const server = Object.assign(new Error('boom'), { status: 502, type: 'x', expose: true });
    for (const err of [hidden, server, 'a string', null]) {
      expect(toHttpError(err, '/x', undefined, sigboxErrorFormat).body).toEqual({ code: 500, message: 'Internal Server Error' });
    }
  });

  it('lets the owner map its domain errors first, and falls back to 500 when it declines', () => {
    const owner = service('rekor', ['/api/v1/log'], {
      mapError: (err) => (err instanceof RangeError ? new HttpError(422, { code: 422, message: 'too many' }) : undefined),
    });
    expect(toHttpError(new RangeError('n'), '/api/v1/log', owner, sigboxErrorFormat).status).toBe(422);
    expect(toHttpError(new TypeError('n'), '/api/v1/log', owner, sigboxErrorFormat).status).toBe(500);
  });
});

describe('grpcCodeFor', () => {
  it('inverts grpc-gateway HTTPStatusFromCode', () => {
    expect([400, 401, 404, 409, 429, 500, 501, 503].map(grpcCodeFor)).toEqual([3, 16, 5, 6, 8, 13, 12, 14]);
    expect(grpcCodeFor(418)).toBe(2);
  });
});
