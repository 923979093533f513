import { describe, expect, it } from 'vitest';
import { LogError } from './errors.js';
import { deserializeError, serializeError } from './writer-thread-protocol.js';

/** What crosses a thread boundary: `postMessage` clones with the structured clone algorithm. */
const across = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe('errors between a tree and its writer thread', () => {
  it('brings a LogError back as a LogError with its code, message and details (callers branch on class and code)', () => {
    const back = across(new LogError('PUSHBACK', 'too many entries waiting to be sequenced', { details: { pending: 4096 } }));
    expect(back).toBeInstanceOf(LogError);
    expect(back).toMatchObject({ name: 'LogError', code: 'PUSHBACK', message: 'too many entries waiting to be sequenced', details: { pending: 4096 } });
  });

  it('keeps the name, message and code of any other error (a database error)', () => {
    const dbError = Object.assign(new Error('connection refused'), { name: 'DbError', code: 'ECONNREFUSED' });
    const back = across(dbError);
    expect(back).not.toBeInstanceOf(LogError);
    expect(back).toMatchObject({ name: 'DbError', message: 'connection refused', code: 'ECONNREFUSED' });
  });

  it('turns a thrown non-error into an error with its text, and drops details that cannot be cloned', () => {
    expect(across('plain string')).toMatchObject({ name: 'Error', message: 'plain string' });
    const odd = new LogError('CORRUPT_STATE', 'odd', { details: { callback: () => 1 } });
    expect(across(odd)).toMatchObject({ code: 'CORRUPT_STATE', details: undefined });
  });
});
