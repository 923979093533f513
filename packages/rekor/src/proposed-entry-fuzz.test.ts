// Property tests of every kind's canonicalizer, for creation and for search: random entries and mutations of real,
// signed ones (into their encoded layers too) must end in a parsed entry or a RekorError — never another exception,
// which the HTTP edge would answer as a 500 — and each within a bounded time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { STATEMENT, dsseEnvelope, dsseProposedEntry, hashedrekord, intotoProposedEntry, keyPem, selfSignedCert, signArtifact, testKey } from '@sigbox/testkit';
import { type CanonicalEntry, RekorError, canonicalizeSearchEntry, parseProposedEntry } from './index.js';
import { mutate, mutationArbitrary } from './__fixtures__/json-mutation.js';

/** Generous for a loaded, shared machine: a case is a few verifications at most. */
const CASE_BUDGET_MS = 2_000;
const RUNS = 150;

const artifact = encoding.utf8('fuzzed artifact\n');
const statement = encoding.utf8(JSON.stringify(STATEMENT));
const p256 = testKey('ecdsa-p256');
const ed25519 = testKey('ed25519');
const rsa = testKey('rsa');
const cert = await selfSignedCert({ email: 'fuzz@example.com', uri: 'https://example.com/fuzz' });

function intotoEntry() {
  const env = dsseEnvelope('application/vnd.in-toto+json', statement, [p256, ed25519]);
  const withKeyIds = { ...env, signatures: env.signatures.map((s, i) => ({ ...s, keyid: `k${i}` })) };
  return intotoProposedEntry(withKeyIds, [keyPem(p256.publicKey), keyPem(ed25519.publicKey)]);
}

/** Real signed entries of every kind, as clients propose them. */
const PROPOSED: Record<string, unknown[]> = {
  hashedrekord: [
    hashedrekord(signArtifact(p256, artifact, 'sha256'), keyPem(p256.publicKey), 'sha256', artifact),
    hashedrekord(signArtifact(cert.key, artifact, 'sha256'), cert.pem, 'sha256', artifact),
    hashedrekord(signArtifact(ed25519, artifact, 'sha512'), keyPem(ed25519.publicKey), 'sha512', artifact),
    hashedrekord(signArtifact(rsa, artifact, 'sha256'), keyPem(rsa.publicKey), 'sha256', artifact),
  ],
  dsse: [dsseProposedEntry(dsseEnvelope('application/vnd.in-toto+json', statement, [p256, cert.key]), [keyPem(p256.publicKey), cert.pem])],
  intoto: [intotoEntry()],
};

/** Their stored (canonical) forms, which search accepts too. */
const STORED: Record<string, unknown[]> = Object.fromEntries(
  await Promise.all(
    Object.entries(PROPOSED).map(async ([kind, entries]) => [
      kind,
      await Promise.all(entries.map(async (e) => JSON.parse(encoding.fromUtf8((await parseProposedEntry(e)).canonicalBody)) as unknown)),
    ]),
  ),
);

/** The outcome must be a parsed entry or a RekorError (500 only where upstream answers 500 on purpose). */
async function checkOutcome(run: () => Promise<CanonicalEntry>): Promise<void> {
  const started = performance.now();
  try {
    const entry = await run();
    expect(entry.leafHash).toHaveLength(32);
    expect(JSON.parse(encoding.fromUtf8(entry.canonicalBody))).toMatchObject({ kind: entry.kind, apiVersion: entry.apiVersion });
  } catch (err) {
    if (!(err instanceof RekorError)) throw err;
    if (err.status >= 500) expect(err.code).toBe('CANONICALIZATION_FAILED');
  }
  expect(performance.now() - started).toBeLessThan(CASE_BUDGET_MS);
}

const parsers = [
  ['create', parseProposedEntry],
  ['search', canonicalizeSearchEntry],
] as const;

describe.each(Object.keys(PROPOSED))('%s canonicalizer under fuzzing', (kind) => {
  const proposed = PROPOSED[kind] as unknown[];
  const stored = STORED[kind] as unknown[];

  it('accepts the unmutated fixtures (so the mutations start from entries that get all the way through)', async () => {
    for (const entry of proposed) expect((await parseProposedEntry(entry)).kind).toBe(kind);
    for (const entry of stored) expect((await canonicalizeSearchEntry(entry)).kind).toBe(kind);
  });

  it.each(parsers)('%s: mutated proposed entries end in an entry or a RekorError, each in bounded time', async (_, parse) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...proposed), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (entry, mutations) =>
        checkOutcome(() => parse(mutate(entry, mutations))),
      ),
      { numRuns: RUNS },
    );
  });

  it.each(parsers)('%s: mutated stored entries end in an entry or a RekorError, each in bounded time', async (_, parse) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...stored), fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (entry, mutations) =>
        checkOutcome(() => parse(mutate(entry, mutations))),
      ),
      { numRuns: RUNS },
    );
  });

  it.each(parsers)('%s: random specs of this kind end in an entry or a RekorError', async (_, parse) => {
    const apiVersion = (proposed[0] as { apiVersion: string }).apiVersion;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), (spec) => checkOutcome(() => parse({ kind, apiVersion, spec }))),
      { numRuns: RUNS },
    );
  });
});

describe('any JSON as a proposed entry', () => {
  it.each(parsers)('%s: ends in an entry or a RekorError', async (_, parse) => {
    const kinds = fc.constantFrom('hashedrekord', 'dsse', 'intoto', 'rekord', 'cose', 'nope', '');
    const versions = fc.constantFrom('0.0.1', '0.0.2', '1.0.0', 'x');
    const envelope = fc.oneof(fc.jsonValue(), fc.record({ kind: kinds, apiVersion: versions, spec: fc.jsonValue() }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(envelope, (json) => checkOutcome(() => parse(json))),
      { numRuns: RUNS },
    );
  });
});
