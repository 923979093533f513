// The work a dsse or intoto entry may ask for is bounded before any key is parsed or signature verified, and the
// verifications that remain run on the thread pool, between turns of the event loop.
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { STATEMENT, b64, dsseEnvelope, dsseProposedEntry as dsse, intotoProposedEntry as intoto, keyPem, testKey, type TestKey } from '@sigbox/testkit';
import { MAX_DSSE_SIGNATURES, MAX_DSSE_VERIFIED_BYTES, MAX_DSSE_VERIFIERS, canonicalizeSearchEntry, parseProposedEntry } from './index.js';

const IN_TOTO = 'application/vnd.in-toto+json';
const keys = Array.from({ length: MAX_DSSE_SIGNATURES + 1 }, () => testKey('ecdsa-p256'));
const pems = keys.map((k) => keyPem(k.publicKey));

/** An envelope signed by each of `signers`, over a statement padded to about `payloadBytes`. */
function signedBy(signers: TestKey[], payloadBytes = 0) {
  const padded = { ...STATEMENT, predicate: { ...STATEMENT.predicate, padding: 'x'.repeat(payloadBytes) } };
  return dsseEnvelope(IN_TOTO, encoding.utf8(JSON.stringify(padded)), signers);
}

const rejection = async (entry: unknown) => {
  try {
    await parseProposedEntry(entry);
  } catch (err) {
    return err as { message: string; status: number };
  }
  throw new Error('expected a rejection');
};

describe('DSSE work limits', () => {
  const tooManySignatures = { ...signedBy(keys.slice(0, 1)), signatures: Array.from({ length: MAX_DSSE_SIGNATURES + 1 }, (_, i) => ({ keyid: '', sig: b64(`sig ${i}`) })) };

  it('refuses more signatures than the limit before parsing a verifier (dsse and intoto)', async () => {
    // The verifiers are no keys at all: reaching them would fail differently.
    expect(await rejection(dsse(tooManySignatures, ['not a key']))).toMatchObject({
      status: 400,
      message: `error processing entry: DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`,
    });
    const env = signedBy(keys);
    expect(await rejection(intoto(env, env.signatures.map(() => 'not a key')))).toMatchObject({
      status: 400,
      message: `error processing entry: DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`,
    });
    // Search reaches the same code and answers the bare text.
    await expect(canonicalizeSearchEntry(dsse(tooManySignatures, ['not a key']))).rejects.toMatchObject({
      status: 400,
      message: `DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`,
    });
  });

  it('refuses more verifiers than the limit, repeats included, before parsing one', async () => {
    const verifiers = Array.from({ length: MAX_DSSE_VERIFIERS + 1 }, () => 'not a key');
    expect(await rejection(dsse(signedBy(keys.slice(0, 1)), verifiers))).toMatchObject({
      status: 400,
      message: `error processing entry: at most ${MAX_DSSE_VERIFIERS} verifiers may be given for a DSSE envelope`,
    });
  });

  it('refuses distinct signatures × distinct verifiers × payload bytes over the budget, whatever the signatures are', async () => {
    const signers = keys.slice(0, MAX_DSSE_SIGNATURES);
    const perCheck = Math.ceil(MAX_DSSE_VERIFIED_BYTES / signers.length ** 2);
    const env = { ...signedBy(signers.slice(0, 1), perCheck), signatures: signers.map((_, i) => ({ keyid: '', sig: b64(`sig ${i}`) })) };
    const { message } = await rejection(dsse(env, ['not a key', ...pems.slice(1, signers.length)]));
    expect(message).toMatch(new RegExp(`^error processing entry: DSSE envelope too large to verify: 8 signatures × 8 verifiers × \\d+ bytes of payload exceed ${MAX_DSSE_VERIFIED_BYTES}$`));
    // Repeats are counted once: the same envelope with one signature and one verifier, repeated, is verified.
    const single = signedBy(signers.slice(0, 1), perCheck);
    const repeated = { ...single, signatures: signers.map(() => single.signatures[0] as { keyid: string; sig: string }) };
    const entry = await parseProposedEntry(dsse(repeated, signers.map(() => pems[0] as string)));
    const body = JSON.parse(encoding.fromUtf8(entry.canonicalBody)) as { spec: { signatures: unknown[] } };
    expect(body.spec.signatures).toEqual([{ signature: single.signatures[0]?.sig, verifier: b64(pems[0] as string) }]);
  });

  it('verifies the most the limits allow: every signature by its own key, the verifiers in reverse order', async () => {
    const signers = keys.slice(0, MAX_DSSE_SIGNATURES);
    // The payload travels as base64 (4 characters per 3 bytes): the largest statement the budget lets 8 × 8 verify.
    const env = signedBy(signers, Math.floor(((MAX_DSSE_VERIFIED_BYTES / signers.length ** 2 - IN_TOTO.length) * 3) / 4) - 1_000);
    const entry = await parseProposedEntry(dsse(env, [...pems.slice(0, signers.length)].reverse()));
    const body = JSON.parse(encoding.fromUtf8(entry.canonicalBody)) as { spec: { signatures: unknown[] } };
    expect(body.spec.signatures).toHaveLength(MAX_DSSE_SIGNATURES);
    const all = await parseProposedEntry(intoto(env, pems.slice(0, signers.length)));
    expect(all.kind).toBe('intoto');
  });

  it('lets the event loop turn between verifications', async () => {
    const signers = keys.slice(0, MAX_DSSE_SIGNATURES);
    const entry = dsse(signedBy(signers, 100_000), [...pems.slice(0, signers.length)].reverse());
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns += 1;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    await parseProposedEntry(entry);
    spinning = false;
    // 8 + 7 + … + 1 verifications, each a job on the thread pool whose result arrives on a later turn. Run on the
    // event loop instead, they would all happen within the one turn that parses the entry.
    expect(turns).toBeGreaterThanOrEqual(MAX_DSSE_SIGNATURES);
  });
});
