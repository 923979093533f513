import crypto from 'node:crypto';
import { mutatedText } from '@sigbox/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from './error.js';
import { fromPem, parsePemBlocks, toPem } from './pem.js';

describe('PEM', () => {
  it('writes Go pem.EncodeToMemory layout: 64-character lines and a trailing newline', () => {
    const der = new Uint8Array(100).map((_, i) => i);
    const pem = toPem('PUBLIC KEY', der);
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN PUBLIC KEY-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-2)).toBe('-----END PUBLIC KEY-----');
    expect(pem.endsWith('-----\n')).toBe(true);
    expect(fromPem(pem, 'PUBLIC KEY')).toEqual(der);
  });

  it('matches what node:crypto (OpenSSL) writes for a public key', () => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const opensslPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const der = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    expect(toPem('PUBLIC KEY', der)).toBe(opensslPem);
  });

  it('reads every block of a chain in order, with CRLF line ends', () => {
    const chain = (toPem('CERTIFICATE', new Uint8Array([1, 2])) + toPem('CERTIFICATE', new Uint8Array([3]))).replace(/\n/g, '\r\n');
    expect(parsePemBlocks(chain).map((b) => [...b.der])).toEqual([[1, 2], [3]]);
  });

  it('rejects the wrong type, several blocks or none', () => {
    const one = toPem('CERTIFICATE', new Uint8Array([1]));
    expect(() => fromPem(one, 'PUBLIC KEY')).toThrow(CoreError);
    expect(() => fromPem(one + one)).toThrow(CoreError);
    expect(() => fromPem('nothing here')).toThrow(CoreError);
  });
});

// Property tests of the reader every PEM from outside goes through (public keys, CSRs, chains): whatever the text,
// blocks or a CoreError, never another exception, and never a stall. The bound is generous (a call takes
// microseconds to milliseconds); it only tells a stall from a slow machine.
const CALL_BOUND_MS = 1_000;

function readsOrRefuses(read: () => unknown): void {
  const started = performance.now();
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(CoreError);
  }
  expect(performance.now() - started).toBeLessThan(CALL_BOUND_MS);
}

const label = fc.stringMatching(/^[A-Z0-9 ]{1,24}$/);
const chain = toPem('CERTIFICATE', crypto.randomBytes(300)) + toPem('CERTIFICATE', crypto.randomBytes(40)) + toPem('PUBLIC KEY', crypto.randomBytes(91));
// Text made of what PEM is made of, so that random draws form (almost-)blocks.
const pemish = fc.string({ unit: fc.constantFrom('-----', 'BEGIN ', 'END ', 'CERTIFICATE', 'A', '=', '+', '/', '\n', '\r\n', ' ', '\u00e9', '\0'), maxLength: 200 });

describe('PEM reader properties', () => {
  it('reads back any DER under any label it writes, alone or in a chain', () => {
    fc.assert(fc.property(label, fc.uint8Array({ maxLength: 600 }), fc.string(), (type, der, between) => {
      const pem = toPem(type, der);
      expect(fromPem(pem, type)).toEqual(der);
      const blocks = parsePemBlocks(`${between.replace(/-/g, '')}\n${pem}${pem}`);
      expect(blocks).toEqual([{ type, der }, { type, der }]);
    }));
  });

  it('answers any text, random or built of PEM pieces, with blocks or a CoreError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 2_000 }), pemish), (text) => {
      readsOrRefuses(() => parsePemBlocks(text));
      readsOrRefuses(() => fromPem(text, 'CERTIFICATE'));
    }), { numRuns: 500 });
  });

  it('answers a mutated certificate chain with blocks or a CoreError', () => {
    fc.assert(fc.property(mutatedText(chain, 6), (text) => {
      readsOrRefuses(() => parsePemBlocks(text));
      readsOrRefuses(() => fromPem(text));
    }), { numRuns: 500 });
  });

  // The request body limit (4 MiB) is the most a client can hand the reader in one go.
  it.each([
    ['BEGIN lines without an END', () => '-----BEGIN A-----\n'.repeat(230_000)],
    ['one BEGIN and 4 MiB of base64', () => `-----BEGIN A-----\n${'A'.repeat(4 * 1024 * 1024)}`],
    ['blocks whose END names another label', () => '-----BEGIN A-----\nAAAA\n-----END B-----\n'.repeat(110_000)],
    ['a label that never closes', () => `-----BEGIN ${'A '.repeat(2 * 1024 * 1024)}`],
  ])('reads 4 MiB of %s in bounded time', (_name, make) => {
    const text = make();
    readsOrRefuses(() => parsePemBlocks(text));
  });
});
