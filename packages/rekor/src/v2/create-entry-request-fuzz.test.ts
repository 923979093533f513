// Property tests of the v2 request reader: any JSON, and mutations of real signed requests (into their base64
// layers too), end in a leaf or a RekorV2Error INVALID_ARGUMENT — never another exception, which the HTTP edge
// would answer as a 500.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { STATEMENT, dsseEnvelope, dsseV2Request, hashedRekordV2Request, selfSignedCert, testKey } from '@sigbox/testkit';
import { mutate, mutationArbitrary } from '../__fixtures__/json-mutation.js';
import { RekorV2Error, parseCreateEntryRequest } from '../index.js';

const RUNS = 200;
const artifact = encoding.utf8('fuzzed v2 artifact\n');
const p256 = testKey('ecdsa-p256');
const ed25519 = testKey('ed25519');
const cert = await selfSignedCert({ uri: 'https://example.com/v2' });
const REQUESTS = [
  hashedRekordV2Request(p256, artifact),
  hashedRekordV2Request(ed25519, artifact),
  hashedRekordV2Request(cert.key, artifact, { certificate: cert.der }),
  dsseV2Request(dsseEnvelope('application/vnd.in-toto+json', encoding.utf8(JSON.stringify(STATEMENT)), [p256, ed25519]), [p256, ed25519]),
];

async function checkOutcome(body: unknown): Promise<void> {
  try {
    const entry = await parseCreateEntryRequest(body);
    expect(JSON.parse(encoding.fromUtf8(entry.leaf))).toMatchObject({ kind: entry.kind, apiVersion: '0.0.2' });
  } catch (error) {
    if (!(error instanceof RekorV2Error)) throw error;
    expect(error.code).toBe('INVALID_ARGUMENT');
  }
}

describe('the v2 request reader under fuzzing', () => {
  it('accepts the unmutated requests', async () => {
    for (const request of REQUESTS) await parseCreateEntryRequest(request);
  });

  it('mutated requests end in a leaf or INVALID_ARGUMENT', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REQUESTS), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (request, mutations) =>
        checkOutcome(mutate(request, mutations)),
      ),
      { numRuns: RUNS },
    );
  });

  it('any JSON, bare or under either kind and spelling, ends in INVALID_ARGUMENT', async () => {
    const kinds = fc.constantFrom('hashedRekordRequestV002', 'hashed_rekord_request_v002', 'dsseRequestV002', 'dsse_request_v002', 'other');
    const body = fc.oneof(fc.jsonValue(), fc.dictionary(kinds, fc.jsonValue(), { maxKeys: 2 }));
    await fc.assert(fc.asyncProperty(body, checkOutcome), { numRuns: RUNS });
  });
});
