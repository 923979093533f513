import crypto from 'node:crypto';
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
