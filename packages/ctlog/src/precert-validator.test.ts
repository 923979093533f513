import { beforeAll, describe, expect, it } from 'vitest';
import { type TestCa, createTestCa } from './__fixtures__/ca.js';
import { type AcceptedRoots, prepareRoots, validateChain } from './chain.js';
import { MAX_REMEMBERED_CHAINS, createPrecertValidator } from './precert-validator.js';

/** The verdict as data: the validated chain, or the error's code and message. */
function verdict(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (err) {
    return { error: { name: (err as Error).name, code: (err as { code?: string }).code, message: (err as Error).message } };
  }
}

/** The last byte of an ECDSA certificate is the last byte of `s`: still DER, no longer a valid signature. */
const withBadSignature = (der: Uint8Array): Uint8Array => Uint8Array.from(der, (b, i) => (i === der.length - 1 ? b ^ 0x01 : b));

describe('createPrecertValidator: the in-process add-pre-chain', () => {
  let ca: TestCa;
  let lookalike: TestCa; // same names as `ca`, other keys
  let roots: AcceptedRoots;

  beforeAll(async () => {
    [ca, lookalike] = await Promise.all([createTestCa(), createTestCa()]);
    roots = prepareRoots([ca.root.der]);
  });

  it('gives validateChain’s verdict for each precertificate once its issuer chain is remembered', async () => {
    const validate = createPrecertValidator(roots);
    const chains = [[ca.intermediate.der, ca.root.der], [ca.intermediate.der]];
    const draft = ca.draft();
    const precerts = [
      (await ca.draft().precertificate()).der,
      (await draft.precertificate()).der,
      withBadSignature((await ca.draft().precertificate()).der),
      (await lookalike.draft().precertificate()).der,
      (await draft.certificate()).der, // no poison
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01),
    ];
    for (const chain of chains) {
      validate(precerts[0] as Uint8Array, chain); // remembers the chain
      for (const precert of precerts) {
        expect(verdict(() => validate(precert, chain))).toEqual(verdict(() => validateChain([precert, ...chain], roots, 'precert')));
      }
    }
    expect(verdict(() => validate(precerts[2] as Uint8Array, chains[0] as Uint8Array[]))).toMatchObject({ error: { code: 'BAD_CHAIN', message: 'certificate 0 is not issued by certificate 1' } });
    expect(verdict(() => validate(precerts[3] as Uint8Array, chains[0] as Uint8Array[]))).toMatchObject({ error: { message: 'certificate 0 is not issued by certificate 1' } });
  });

  it('appends the accepted root to a chain that stops below it, on every call', async () => {
    const validate = createPrecertValidator(roots);
    for (let i = 0; i < 2; i++) {
      const precert = (await ca.draft().precertificate()).der;
      expect(validate(precert, [ca.intermediate.der]).path).toEqual([precert, ca.intermediate.der, ca.root.der]);
    }
  });

  it('remembers bytes, not buffers: a caller that rewrites its chain is validated afresh', async () => {
    const validate = createPrecertValidator(roots);
    const precert = (await ca.draft().precertificate()).der;
    const chain: Uint8Array[] = [Uint8Array.from(ca.intermediate.der), Uint8Array.from(ca.root.der)];
    validate(precert, chain);
    chain[0] = withBadSignature(ca.intermediate.der);
    expect(() => validate(precert, chain)).toThrow(/certificate 1 is not issued by certificate 2/);
    (chain[1] as Uint8Array).fill(0);
    expect(() => validate(precert, chain)).toThrow(/certificate 2 cannot be parsed/);
    expect(validate(precert, [ca.intermediate.der, ca.root.der]).path).toEqual([precert, ca.intermediate.der, ca.root.der]);
  });

  it('validates fully, every time, chains it cannot or may not remember', async () => {
    const validate = createPrecertValidator(roots);
    const other = await createTestCa('other');
    const foreign = (await other.draft().precertificate()).der;
    for (let i = 0; i < 2; i++) expect(() => validate(foreign, [other.intermediate.der, other.root.der])).toThrow(/accepted root/);
  });

  it('does not remember an empty issuer chain: which root issued the precertificate depends on the precertificate', async () => {
    // Two accepted roots with the same name (issuing certificates accepted as roots here), no chain sent.
    const validate = createPrecertValidator(prepareRoots([ca.intermediate.der, lookalike.intermediate.der]));
    for (const issuing of [ca, lookalike, ca]) {
      const precert = (await issuing.draft().precertificate()).der;
      expect(validate(precert, []).path).toEqual([precert, issuing.intermediate.der]);
    }
  });

  it('keeps validating correctly past MAX_REMEMBERED_CHAINS distinct chains', async () => {
    const validate = createPrecertValidator(roots);
    const precert = (await ca.draft().precertificate()).der;
    // The same chain, each time with the root appended n times more: distinct bytes sequences, all valid or all not.
    for (let n = 0; n <= MAX_REMEMBERED_CHAINS + 1; n++) {
      const chain = [ca.intermediate.der, ...Array.from({ length: n + 1 }, () => ca.root.der)];
      expect(verdict(() => validate(precert, chain))).toEqual(verdict(() => validateChain([precert, ...chain], roots, 'precert')));
      expect(verdict(() => validate(precert, chain))).toEqual(verdict(() => validateChain([precert, ...chain], roots, 'precert')));
    }
  });
});
