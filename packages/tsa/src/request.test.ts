import { spawnSync } from 'node:child_process';
import { caught, mutatedBytes, toolAvailable } from '@sigbox/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TsaError, parseJsonTimestampRequest, parseTimestampRequest } from './index.js';

const digest = (n: number) => Buffer.alloc(n, 7).toString('base64');
const json = (fields: Record<string, unknown>) => JSON.stringify({ artifactHash: digest(32), hashAlgorithm: 'sha256', ...fields });

/** A DER TimeStampReq as OpenSSL writes it: the seed of the mutation tests, and a second, independent encoder. */
function opensslQuery(args: string[]): Uint8Array {
  const r = spawnSync('openssl', ['ts', '-query', ...args], { input: 'artifact\n' });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return new Uint8Array(r.stdout);
}

describe('parseJsonTimestampRequest', () => {
  it("reads upstream's JSON form, nonce digits and all", () => {
    const nonce = '123456789012345678901234567890';
    const body = `{"artifactHash":"${digest(48)}","hashAlgorithm":"SHA384","certificates":true,"nonce":${nonce},"tsaPolicyOID":"1.3.6.1.4.1.57264.2"}`;
    expect(parseJsonTimestampRequest(body)).toEqual({
      hashAlgorithm: 'sha384',
      digest: new Uint8Array(48).fill(7),
      nonce: BigInt(nonce),
      reqPolicy: '1.3.6.1.4.1.57264.2',
      certReq: true,
    });
  });

  it('defaults: no nonce, no policy, no certificates (what sigstore-js sends)', () => {
    expect(parseJsonTimestampRequest(json({}))).toEqual({ hashAlgorithm: 'sha256', digest: new Uint8Array(32).fill(7), certReq: false });
  });

  it.each([
    ['sha1 as weak', json({ hashAlgorithm: 'sha1', artifactHash: digest(20) }), 'WEAK_HASH', 'Weak hash algorithm in timestamp request'],
    ['md5 as unsupported', json({ hashAlgorithm: 'md5' }), 'UNSUPPORTED_HASH', 'Error generating timestamp response'],
    ['a missing algorithm', JSON.stringify({ artifactHash: digest(32) }), 'UNSUPPORTED_HASH', 'Error generating timestamp response'],
    ['a short digest', json({ artifactHash: digest(31) }), 'INCONSISTENT_DIGEST_LENGTH', 'Message digest has incorrect length for specified algorithm'],
    ['an empty digest', json({ artifactHash: '' }), 'INCONSISTENT_DIGEST_LENGTH', 'Message digest has incorrect length for specified algorithm'],
    ['bad base64', json({ artifactHash: '!!!!' }), 'MALFORMED_REQUEST', 'Error generating timestamp response'],
    ['another policy', json({ tsaPolicyOID: '1.2.3.4' }), 'UNACCEPTED_POLICY', 'unaccepted policy: requested TSA policy is not supported by the TSA'],
    ['a malformed policy', json({ tsaPolicyOID: '1..2' }), 'INVALID_POLICY_OID', 'OID should be comprised of at most 128 components'],
    ['a fractional nonce', json({ nonce: 1.5 }), 'MALFORMED_REQUEST', 'Error generating timestamp response'],
    ['a string nonce', json({ nonce: '1' }), 'MALFORMED_REQUEST', 'Error generating timestamp response'],
    ['a body over 1 KiB', json({ nonce: 1, pad: 'x'.repeat(1024) }), 'REQUEST_TOO_LARGE', 'timestamp request is too large'],
    ['not JSON', '{', 'MALFORMED_REQUEST', 'Error generating timestamp response'],
    ['an array', '[]', 'MALFORMED_REQUEST', 'Error generating timestamp response'],
  ])('refuses %s', (_, body, code, clientMessage) => {
    const err = caught(TsaError, () => parseJsonTimestampRequest(body));
    expect({ code: err.code, clientMessage: err.clientMessage }).toEqual({ code, clientMessage });
  });

  it('matches keys case-insensitively and reads null as absent, as Go fills a struct', () => {
    const body = `{"ARTIFACTHASH":"${digest(32)}","hashalgorithm":"sha256","certificates":null,"Nonce":7,"extra":1}`;
    expect(parseJsonTimestampRequest(body)).toEqual({ hashAlgorithm: 'sha256', digest: new Uint8Array(32).fill(7), nonce: 7n, certReq: false });
  });

  it('accepts a policy the TSA is configured for', () => {
    expect(parseJsonTimestampRequest(json({ tsaPolicyOID: '1.2.3.4' }), { acceptedPolicies: ['1.2.3.4'] }).reqPolicy).toBe('1.2.3.4');
  });

  it('throws nothing but TsaError on any text, quickly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 1200 }), fc.json({ maxDepth: 3 }), fc.constant(json({ nonce: 9 })).chain((t) => fc.string().map((s) => t.slice(0, t.length - s.length) + s))), (text) => {
        const start = performance.now();
        try {
          parseJsonTimestampRequest(text);
        } catch (err) {
          expect(err).toBeInstanceOf(TsaError);
        }
        expect(performance.now() - start).toBeLessThan(50);
      }),
      { numRuns: 2000 },
    );
  });
});

describe.runIf(toolAvailable('openssl', 'writes the DER requests the parser reads'))('parseTimestampRequest', () => {
  it('reads what openssl ts -query writes', () => {
    const der = opensslQuery(['-sha512', '-cert', '-tspolicy', '1.3.6.1.4.1.57264.2']);
    expect(parseTimestampRequest(der)).toMatchObject({ hashAlgorithm: 'sha512', certReq: true, reqPolicy: '1.3.6.1.4.1.57264.2' });
  });

  it.each([
    ['sha1', ['-sha1'], 'WEAK_HASH'],
    ['md5', ['-md5'], 'UNSUPPORTED_HASH'],
    ['sha3-256', ['-sha3-256'], 'UNSUPPORTED_HASH'],
    ['another policy', ['-sha256', '-tspolicy', '1.2.3.4'], 'UNACCEPTED_POLICY'],
  ])('refuses %s', (_, args, code) => {
    expect(caught(TsaError, () => parseTimestampRequest(opensslQuery(args))).code).toBe(code);
  });

  it('refuses trailing bytes and non-DER encodings', () => {
    const der = opensslQuery(['-sha256']);
    expect(caught(TsaError, () => parseTimestampRequest(Uint8Array.from([...der, 0]))).code).toBe('MALFORMED_REQUEST');
    // the outer length in long form where the short form fits
    const longForm = Uint8Array.from([der[0]!, 0x81, ...der.subarray(1)]);
    expect(caught(TsaError, () => parseTimestampRequest(longForm)).code).toBe('MALFORMED_REQUEST');
  });

  it('refuses a digest of the wrong length for its algorithm', () => {
    const der = opensslQuery(['-sha256', '-no_nonce']);
    // SEQ { INTEGER 1, SEQ { SEQ { OID sha256 }, OCTET STRING (32) } }: relabel the OID as sha384 (…02.01 → …02.02)
    const i = Buffer.from(der).indexOf(Buffer.from('608648016503040201', 'hex'));
    const relabelled = Uint8Array.from(der);
    relabelled[i + 8] = 0x02;
    expect(caught(TsaError, () => parseTimestampRequest(relabelled)).code).toBe('INCONSISTENT_DIGEST_LENGTH');
  });

  it('throws nothing but TsaError on mutated and random DER, quickly', () => {
    const seed = opensslQuery(['-sha256', '-cert', '-tspolicy', '1.3.6.1.4.1.57264.2']);
    fc.assert(
      fc.property(fc.oneof(mutatedBytes(seed, 6), fc.uint8Array({ maxLength: 300 })), (der) => {
        const start = performance.now();
        try {
          parseTimestampRequest(der);
        } catch (err) {
          if (!(err instanceof TsaError)) throw err;
        }
        expect(performance.now() - start).toBeLessThan(50);
      }),
      { numRuns: 3000 },
    );
  });
});
