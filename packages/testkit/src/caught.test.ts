import { describe, expect, it } from 'vitest';
import { caught } from './caught.js';

class ParseError extends Error {}

describe('caught', () => {
  it('returns the error of the type asked for', () => {
    const error = new ParseError('bad');
    expect(caught(ParseError, () => { throw error; })).toBe(error);
  });

  it('throws on another error, and fails when nothing is thrown', () => {
    expect(() => caught(ParseError, () => { throw new TypeError('other'); })).toThrow(TypeError);
    expect(() => caught(ParseError, () => 1)).toThrow('expected a ParseError');
  });
});
