import { describe, expect, it } from 'vitest';
import { DbError, isDatabaseUnavailable } from './error.js';
import { classifyDriverError, isUnreachable } from './unavailable.js';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe('isUnreachable', () => {
  it.each([
    ['57P01', 'admin_shutdown (pg_ctl stop -m fast, pg_terminate_backend)'],
    ['57P02', 'crash_shutdown'],
    ['57P03', 'cannot_connect_now: the database system is starting up'],
    ['57014', 'query_canceled: statement_timeout'],
    ['25P03', 'idle_in_transaction_session_timeout'],
    ['53300', 'too_many_connections'],
    ['08006', 'connection_failure (class 08)'],
    ['08P01', 'protocol_violation (class 08)'],
    ['ECONNREFUSED', 'nothing listens'],
    ['ECONNRESET', 'the socket was reset'],
    ['ETIMEDOUT', 'the socket timed out'],
    ['EPIPE', 'written after the peer closed'],
  ])('%s: %s', (code) => {
    expect(isUnreachable(withCode(code))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'Connection terminated',
    'Client has encountered a connection error and is not queryable',
    'Query read timeout',
    'timeout exceeded when trying to connect',
  ])('node-postgres: %s', (message) => {
    expect(isUnreachable(new Error(message))).toBe(true);
  });

  it('a host refusing on every address (AggregateError)', () => {
    expect(isUnreachable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''))).toBe(true);
  });

  it.each([
    ['23505', 'unique_violation'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock_detected'],
    ['42P01', 'undefined_table'],
    ['28P01', 'invalid_password: waiting will not help'],
    ['3D000', 'invalid_catalog_name: no such database'],
  ])('not %s (%s): the statement or the set-up is wrong, the server answered', (code) => {
    expect(isUnreachable(withCode(code))).toBe(false);
  });

  it('not errors of other kinds', () => {
    expect(isUnreachable(new Error('syntax error at or near "selec"'))).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
  });
});

describe('classifyDriverError', () => {
  it('wraps an unreachable database as DbError UNAVAILABLE with the driver error as cause', () => {
    const cause = withCode('57P01', 'terminating connection due to administrator command');
    const error = classifyDriverError(cause);
    expect(error).toBeInstanceOf(DbError);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect((error as DbError).cause).toBe(cause);
  });

  it('passes a statement’s own error unchanged, so its SQLSTATE stays readable', () => {
    const unique = withCode('23505');
    expect(classifyDriverError(unique)).toBe(unique);
  });

  it('leaves a DbError as it is', () => {
    const error = new DbError('UNAVAILABLE', 'already classified');
    expect(classifyDriverError(error)).toBe(error);
  });
});
