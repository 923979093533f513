import crypto, { type KeyObject } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type KeyAlgorithm, createEphemeralSigner, spkiDer } from '@sigbox/core';
import { FULCIO_OIDS, OID, parseCertificate, removeExtension, subjectKeyId } from '@sigbox/x509';
import { type TestCa, createTestCa } from '@sigbox/testkit';
import { type AcceptedRoots, prepareRoots, validateChain } from './chain.js';
import { MAX_REMEMBERED_CHAINS, type PrecertValidator, createPrecertValidator } from './precert-validator.js';

/** The verdict as data: the validated chain, or the error's code and message. */
async function verdict(run: () => unknown): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (err) {
    return { error: { name: (err as Error).name, code: (err as { code?: string }).code, message: (err as Error).message } };
  }
}

/** The last byte of an ECDSA certificate is the last byte of `s`: still DER, no longer a valid signature. */
const withBadSignature = (der: Uint8Array): Uint8Array => Uint8Array.from(der, (b, i) => (i === der.length - 1 ? b ^ 0x01 : b));

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const ECDSA_SHA256 = hex('300a06082a8648ce3d040302');
const ECDSA_SHA384 = hex('300a06082a8648ce3d040303');
const CODE_SIGNING = hex('06082b06010505070303');
const EMAIL_PROTECTION = hex('06082b06010505070304');

/** One DER element (tests rebuild certificates around edited TBSs). */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...length, ...body]);
}

/** A certificate of `tbs` with outer AlgorithmIdentifier `algorithm`, signed by `key` with `hash`. */
const signed = (tbs: Uint8Array, algorithm: Uint8Array, key: KeyObject, hash: string | null = 'sha256'): Uint8Array =>
  tlv(0x30, tbs, algorithm, tlv(0x03, Uint8Array.of(0), crypto.sign(hash, tbs, key)));

/** `bytes` with the only occurrence of `from` replaced by `to`, of the same length: no DER length changes. */
function replaced(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const at = Buffer.from(bytes).indexOf(from);
  if (at < 0 || Buffer.from(bytes).indexOf(from, at + 1) >= 0 || from.length !== to.length) throw new Error('no single occurrence to replace');
  const out = Uint8Array.from(bytes);
  out.set(to, at);
  return out;
}

/** Where the element at `at` keeps its content. */
function contentRange(der: Uint8Array, at: number): { start: number; end: number } {
  const first = der[at + 1] as number;
  const n = first & 0x80 ? first & 0x7f : 0;
  let length = n ? 0 : first;
  for (let i = 0; i < n; i++) length = length * 256 + (der[at + 2 + i] as number);
  return { start: at + 2 + n, end: at + 2 + n + length };
}

/** The elements inside the one DER element `der`. */
function elementsOf(der: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const { start, end } = contentRange(der, 0);
  for (let at = start; at < end; at = contentRange(der, at).end) out.push(der.subarray(at, contentRange(der, at).end));
  return out;
}

/** The extensions of a TBS: its last field is [3] { SEQUENCE OF Extension }. */
const extensionsOf = (tbs: Uint8Array): Uint8Array[] => elementsOf(elementsOf(elementsOf(tbs).at(-1) as Uint8Array)[0] as Uint8Array);

/** `tbs` with `extensions` in place of its own. */
const withExtensions = (tbs: Uint8Array, extensions: Uint8Array[]): Uint8Array =>
  tlv(0x30, ...elementsOf(tbs).slice(0, -1), tlv(0xa3, tlv(0x30, ...extensions)));

/** `bytes` with its last byte replaced. */
const lastByte = (bytes: Uint8Array, value: number): Uint8Array => Uint8Array.from(bytes, (b, i) => (i === bytes.length - 1 ? value : b));

/** Expects the validator to give validateChain’s verdict on `[precert, ...chain]`, and returns that verdict. */
async function expectSameVerdict(validate: PrecertValidator, roots: AcceptedRoots, precert: Uint8Array, chain: Uint8Array[]): Promise<unknown> {
  const expected = await verdict(() => validateChain([precert, ...chain], roots, 'precert'));
  expect(await verdict(() => validate(precert, chain))).toEqual(expected);
  return expected;
}

describe('createPrecertValidator: the in-process add-pre-chain', () => {
  let ca: TestCa;
  let lookalike: TestCa; // same names as `ca`, other keys
  let roots: AcceptedRoots;
  let caKey: KeyObject;
  let good: { der: Uint8Array; tbs: Uint8Array };

  beforeAll(async () => {
    [ca, lookalike] = await Promise.all([createTestCa(), createTestCa()]);
    roots = prepareRoots([ca.root.der]);
    caKey = ca.intermediate.privateKey;
    good = await ca.draft().precertificate();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** A validator that has remembered `[ca.intermediate, ca.root]`. */
  async function remembering(): Promise<{ validate: PrecertValidator; chain: Uint8Array[] }> {
    const validate = createPrecertValidator(roots);
    const chain = [ca.intermediate.der, ca.root.der];
    await validate(good.der, chain);
    return { validate, chain };
  }

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
      await validate(precerts[0] as Uint8Array, chain); // remembers the chain
      for (const precert of precerts) await expectSameVerdict(validate, roots, precert, chain);
    }
    const errorOf = async (precert: Uint8Array) => verdict(() => validate(precert, chains[0] as Uint8Array[]));
    expect(await errorOf(precerts[2] as Uint8Array)).toMatchObject({ error: { code: 'BAD_CHAIN', message: 'certificate 0 is not issued by certificate 1' } });
    expect(await errorOf(precerts[3] as Uint8Array)).toMatchObject({ error: { message: 'certificate 0 is not issued by certificate 1' } });
    expect(await errorOf(precerts[4] as Uint8Array)).toMatchObject({ error: { message: 'precertificate without the CT poison extension' } });
    expect(await errorOf(precerts[5] as Uint8Array)).toMatchObject({ error: { message: 'certificate 0 cannot be parsed' } });
  });

  it('decides a remembered chain’s precertificates without OpenSSL parsing them, the signature off the event loop', async () => {
    const { validate, chain } = await remembering();
    const parsed = vi.spyOn(crypto, 'X509Certificate');
    const verify = vi.spyOn(crypto, 'verify');
    const precert = (await ca.draft().precertificate()).der;
    expect((await validate(precert, chain)).path).toEqual([precert, ...chain]);
    await expect(validate(withBadSignature(precert), chain)).rejects.toThrow('certificate 0 is not issued by certificate 1');
    expect(parsed).not.toHaveBeenCalled();
    expect(verify).toHaveBeenCalledTimes(2);
    for (const call of verify.mock.calls) expect(call[4]).toBeTypeOf('function');
    // Issuer Name bytes in another case: the same Name to OpenSSL, which decides.
    const issuerName = parseCertificate(ca.intermediate.der).subject;
    const otherCase = signed(replaced(good.tbs, issuerName, lastByte(issuerName, 0x45)), ECDSA_SHA256, caKey);
    expect((await validate(otherCase, chain)).path).toEqual([otherCase, ...chain]);
    expect(parsed).toHaveBeenCalled();
  });

  it('gives validateChain’s verdict for precertificates edited where X509_check_issued, X509_verify and the EKU look', async () => {
    const { validate, chain } = await remembering();
    const issuerName = parseCertificate(ca.intermediate.der).subject;
    const issuerKeyId = subjectKeyId(parseCertificate(ca.intermediate.der)) as Uint8Array;
    const resigned = (tbs: Uint8Array, algorithm = ECDSA_SHA256, hash = 'sha256') => signed(tbs, algorithm, caKey, hash);
    const sha384Tbs = replaced(good.tbs, ECDSA_SHA256, ECDSA_SHA384);
    const own = extensionsOf(good.tbs); // keyUsage, EKU, AKI, SAN, Fulcio issuer, poison
    const [ku, eku, aki, rest] = [own[0] as Uint8Array, own[1] as Uint8Array, own[2] as Uint8Array, own.slice(3)];
    const extensions = (...list: Uint8Array[]) => withExtensions(good.tbs, list);
    const withNullParameters = hex('300c06082a8648ce3d0403020500');
    const nullParametersTbs = tlv(0x30, ...elementsOf(good.tbs).map((field, i) => (i === 2 ? withNullParameters : field)));
    const akiWithSerial = tlv(0x30, hex('0603551d23'), tlv(0x04, tlv(0x30, tlv(0x80, issuerKeyId), hex('820101'))));
    const NOT_ISSUED = 'certificate 0 is not issued by certificate 1';
    const NO_CODE_SIGNING = 'leaf certificate lacks extended key usage code signing';
    const cases: Array<[string, Uint8Array, string | undefined]> = [
      ['outer algorithm differs from the TBS’s', resigned(good.tbs, ECDSA_SHA384), NOT_ISSUED],
      ['outer algorithm differs, signed as it says', resigned(good.tbs, ECDSA_SHA384, 'sha384'), NOT_ISSUED],
      ['ecdsa-with-SHA384 by the P-256 issuer', resigned(sha384Tbs, ECDSA_SHA384, 'sha384'), undefined],
      ['ecdsa-with-SHA384 label on a SHA-256 signature', resigned(sha384Tbs, ECDSA_SHA384, 'sha256'), NOT_ISSUED],
      // An encoding outside certificateSignatureCheck: OpenSSL decides.
      ['ecdsa-with-SHA256 with NULL parameters', resigned(nullParametersTbs, withNullParameters), undefined],
      ['EKU emailProtection instead of codeSigning', resigned(replaced(good.tbs, CODE_SIGNING, EMAIL_PROTECTION)), NO_CODE_SIGNING],
      ['no EKU', resigned(removeExtension(good.tbs, OID.extKeyUsage)), NO_CODE_SIGNING],
      ['AKI of another key', resigned(replaced(good.tbs, issuerKeyId, lastByte(issuerKeyId, (issuerKeyId.at(-1) as number) ^ 1))), NOT_ISSUED],
      ['no AKI', resigned(removeExtension(good.tbs, OID.authorityKeyIdentifier)), undefined],
      // …-intermediate → …-intermediatf: another name.
      ['issuer name one letter off', resigned(replaced(good.tbs, issuerName, lastByte(issuerName, 0x66))), NOT_ISSUED],
      // …-intermediate → …-intermediatE: other bytes, the same name to OpenSSL (X509_NAME_cmp ignores case).
      ['issuer name in other case', resigned(replaced(good.tbs, issuerName, lastByte(issuerName, 0x45))), undefined],
      // Extensions OpenSSL decodes while checking the issuer: one it finds invalid fails X509_check_issued.
      ['EKU twice', resigned(extensions(ku, eku, eku, aki, ...rest)), NOT_ISSUED],
      ['keyUsage without a bit', resigned(extensions(hex('300d0603551d0f0101ff0403030100'), eku, aki, ...rest)), NOT_ISSUED],
      ['basicConstraints CA:FALSE', resigned(extensions(hex('300c0603551d130101ff04023000'), ku, eku, aki, ...rest)), undefined],
      ['basicConstraints an INTEGER', resigned(extensions(hex('300a0603551d1304030201ff'), ku, eku, aki, ...rest)), NOT_ISSUED],
      ['AKI naming another issuer serial', resigned(extensions(ku, eku, akiWithSerial, ...rest)), NOT_ISSUED],
      ['poison not critical', resigned(replaced(good.tbs, hex('0101ff04020500'), hex('01010004020500'))), 'CT poison extension is not critical or not NULL'],
    ];
    for (const [what, precert, error] of cases) {
      const expected = await expectSameVerdict(validate, roots, precert, chain);
      const outcome = error === undefined ? { ok: { path: [precert, ...chain] } } : { error: { code: 'BAD_CHAIN', message: error } };
      expect({ what, expected }).toMatchObject({ what, expected: outcome });
    }
  });

  it('agrees with validateChain on every one-byte change of a re-signed precertificate', async () => {
    const { validate, chain } = await remembering();
    const username = await ca.leaves
      .draft({
        publicKeySpki: spkiDer(createEphemeralSigner('ecdsa-p256').publicKey),
        identity: { san: { kind: 'username', value: 'alice' }, extensions: [{ oid: FULCIO_OIDS.issuerV2, value: 'https://accounts.example.com' }] },
      })
      .precertificate();
    let accepted = 0;
    for (const { tbs } of [good, username]) {
      for (let i = 0; i < tbs.length; i++) {
        for (const flip of [0x01, 0x80]) {
          const edited = Uint8Array.from(tbs, (b, j) => (j === i ? b ^ flip : b));
          const expected = await expectSameVerdict(validate, roots, signed(edited, ECDSA_SHA256, caKey), chain);
          if ((expected as { ok?: unknown }).ok) accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(100); // serial, validity, key, SAN and Fulcio values: edits that stay valid
  });

  it.each(['ecdsa-p384', 'ed25519', 'rsa'] satisfies KeyAlgorithm[])('decides quickly under a %s issuer too', async (algorithm) => {
    const other = await createTestCa({ algorithm });
    const validate = createPrecertValidator(prepareRoots([other.root.der]));
    const chain = [other.intermediate.der, other.root.der];
    await validate((await other.draft().precertificate()).der, chain);
    const precert = (await other.draft().precertificate()).der;
    const lookalikePrecert = (await (await createTestCa({ algorithm })).draft().precertificate()).der;
    const parsed = vi.spyOn(crypto, 'X509Certificate');
    expect((await validate(precert, chain)).path).toEqual([precert, ...chain]);
    await expect(validate(lookalikePrecert, chain)).rejects.toThrow('certificate 0 is not issued by certificate 1');
    expect(parsed).not.toHaveBeenCalled();
  });

  it('reads the precertificate once: a caller reusing its buffer meanwhile changes nothing', async () => {
    const { validate, chain } = await remembering();
    const buffer = Uint8Array.from(good.der);
    const pending = validate(buffer, chain);
    buffer.fill(0);
    expect((await pending).path).toEqual([good.der, ...chain]);
  });

  it('appends the accepted root to a chain that stops below it, on every call', async () => {
    const validate = createPrecertValidator(roots);
    for (let i = 0; i < 2; i++) {
      const precert = (await ca.draft().precertificate()).der;
      expect((await validate(precert, [ca.intermediate.der])).path).toEqual([precert, ca.intermediate.der, ca.root.der]);
    }
  });

  it('remembers bytes, not buffers: a caller that rewrites its chain is validated afresh', async () => {
    const validate = createPrecertValidator(roots);
    const precert = (await ca.draft().precertificate()).der;
    const chain: Uint8Array[] = [Uint8Array.from(ca.intermediate.der), Uint8Array.from(ca.root.der)];
    await validate(precert, chain);
    chain[0] = withBadSignature(ca.intermediate.der);
    await expect(validate(precert, chain)).rejects.toThrow(/certificate 1 is not issued by certificate 2/);
    (chain[1] as Uint8Array).fill(0);
    await expect(validate(precert, chain)).rejects.toThrow(/certificate 2 cannot be parsed/);
    expect((await validate(precert, [ca.intermediate.der, ca.root.der])).path).toEqual([precert, ca.intermediate.der, ca.root.der]);
  });

  it('validates fully, every time, chains it cannot or may not remember', async () => {
    const validate = createPrecertValidator(roots);
    const other = await createTestCa({ commonName: 'other' });
    const foreign = (await other.draft().precertificate()).der;
    for (let i = 0; i < 2; i++) await expect(validate(foreign, [other.intermediate.der, other.root.der])).rejects.toThrow(/accepted root/);
  });

  it('does not remember an empty issuer chain: which root issued the precertificate depends on the precertificate', async () => {
    // Two accepted roots with the same name (issuing certificates accepted as roots here), no chain sent.
    const validate = createPrecertValidator(prepareRoots([ca.intermediate.der, lookalike.intermediate.der]));
    for (const issuing of [ca, lookalike, ca]) {
      const precert = (await issuing.draft().precertificate()).der;
      expect((await validate(precert, [])).path).toEqual([precert, issuing.intermediate.der]);
    }
  });

  it('keeps validating correctly past MAX_REMEMBERED_CHAINS distinct chains', async () => {
    const validate = createPrecertValidator(roots);
    const precert = (await ca.draft().precertificate()).der;
    // The same chain, each time with the root appended n times more: distinct bytes sequences, all valid or all not.
    for (let n = 0; n <= MAX_REMEMBERED_CHAINS + 1; n++) {
      const chain = [ca.intermediate.der, ...Array.from({ length: n + 1 }, () => ca.root.der)];
      await expectSameVerdict(validate, roots, precert, chain);
      await expectSameVerdict(validate, roots, precert, chain);
    }
  });
});
