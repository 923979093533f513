import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import {
  type NoteVerifier,
  createNoteSigner,
  createNoteVerifier,
  formatSignedNote,
  openNote,
  parseSignedNote,
  parseVerifierKey,
  signNote,
} from './signed-note.js';
import { errorCode } from './__fixtures__/error-code.js';

// golang.org/x/mod/sumdb/note package documentation (note.go): a note, its vkey, and a re-signed copy.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function keyPair(name: string, algorithm: 'ed25519' | 'ecdsa-p256' = 'ed25519') {
  const signer = createEphemeralSigner(algorithm);
  return { signer: createNoteSigner(name, signer), verifier: createNoteVerifier(name, signer.publicKey) };
}

const TEXT = 'example.com/log\n42\nhello\n';

describe('golang.org/x/mod/sumdb/note documented example', () => {
  const peter = parseVerifierKey(PETER_VKEY);

  it('verifies the PeterNeumann note', () => {
    const note = openNote(`${PETER_TEXT}\n${PETER_SIG}`, [peter]);
    expect(note.text).toBe(PETER_TEXT);
    expect(note.verifiedBy).toEqual([peter]);
    expect(encoding.toHex(note.signatures[0]?.keyHint ?? new Uint8Array())).toBe('c74f20a3');
  });

  it('ignores the EnochRoot signature of the doubly-signed copy, which no verifier knows', () => {
    const note = openNote(`${PETER_TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter]);
    expect(note.verifiedBy).toEqual([peter]);
    expect(note.unknown.map((s) => s.name)).toEqual(['EnochRoot']);
    expect(errorCode(() => openNote(`${PETER_TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter], { rekorV1Strict: true }))).toBe('UNKNOWN_SIGNATURE');
  });

  it('rejects it once a single character of the text changes', () => {
    expect(errorCode(() => openNote(`${PETER_TEXT.replace('answer', 'Answer')}\n${PETER_SIG}`, [peter]))).toBe('INVALID_SIGNATURE');
  });
});

describe('signNote / openNote', () => {
  for (const algorithm of ['ed25519', 'ecdsa-p256'] as const) {
    it(`round-trips with ${algorithm}, as a string and as bytes`, async () => {
      const { signer, verifier } = keyPair('log.example', algorithm);
      const note = await signNote(TEXT, [signer]);
      expect(note.startsWith(`${TEXT}\n— log.example `)).toBe(true);
      expect(note.endsWith('\n')).toBe(true);
      expect(openNote(note, [verifier]).verifiedBy).toEqual([verifier]);
      expect(openNote(encoding.utf8(note), [verifier]).text).toBe(TEXT);
    });
  }

  it('fails with a different key under the same name (hint differs: unknown signature)', async () => {
    const a = keyPair('log.example');
    const b = keyPair('log.example');
    const note = await signNote(TEXT, [a.signer]);
    expect(errorCode(() => openNote(note, [b.verifier]))).toBe('UNVERIFIED_NOTE');
    expect(errorCode(() => openNote(note, []))).toBe('UNVERIFIED_NOTE');
  });

  it('fails when a key claims the hint of another (known pair, bad signature)', async () => {
    const a = keyPair('log.example');
    const b = keyPair('log.example');
    const impostor: NoteVerifier = { name: 'log.example', keyHint: a.verifier.keyHint, verify: b.verifier.verify };
    const note = await signNote(TEXT, [a.signer]);
    expect(errorCode(() => openNote(note, [impostor]))).toBe('INVALID_SIGNATURE');
  });

  it('fails when the key hint or name on the line is altered', async () => {
    const { signer, verifier } = keyPair('log.example', 'ecdsa-p256');
    const parsed = parseSignedNote(await signNote(TEXT, [signer]));
    const sig = parsed.signatures[0]!;
    const hint = Uint8Array.from(sig.keyHint);
    hint[3] = (hint[3] ?? 0) ^ 0x01;
    expect(errorCode(() => openNote(formatSignedNote({ text: TEXT, signatures: [{ ...sig, keyHint: hint }] }), [verifier]))).toBe('UNVERIFIED_NOTE');
    expect(errorCode(() => openNote(formatSignedNote({ text: TEXT, signatures: [{ ...sig, name: 'log.exampl' }] }), [verifier]))).toBe('UNVERIFIED_NOTE');
  });

  it('fails when the text is altered, extended or given an extra blank line', async () => {
    const { signer, verifier } = keyPair('log.example');
    const note = await signNote(TEXT, [signer]);
    expect(errorCode(() => openNote(note.replace('42', '43'), [verifier]))).toBe('INVALID_SIGNATURE');
    expect(errorCode(() => openNote(`extra\n${note}`, [verifier]))).toBe('INVALID_SIGNATURE');
    // A second blank line becomes part of the text, which then no longer matches the signature.
    expect(errorCode(() => openNote(note.replace('\n\n', '\n\n\n'), [verifier]))).toBe('INVALID_SIGNATURE');
  });

  it('ignores unknown signatures but rejects a known one that fails, wherever it appears', async () => {
    const a = keyPair('log.example');
    const w = keyPair('witness.example');
    const good = await signNote(TEXT, [a.signer, w.signer]);
    const opened = openNote(good, [a.verifier]);
    expect(opened.verifiedBy).toEqual([a.verifier]);
    expect(opened.unknown.map((s) => s.name)).toEqual(['witness.example']);
    expect(openNote(good, [a.verifier, w.verifier]).verifiedBy).toEqual([a.verifier, w.verifier]);

    const forged = parseSignedNote(await signNote('other text\n', [w.signer])).signatures[0]!;
    const bad = formatSignedNote({ text: TEXT, signatures: [...parseSignedNote(good).signatures, forged] });
    expect(openNote(bad, [a.verifier]).verifiedBy).toEqual([a.verifier]);
    expect(errorCode(() => openNote(bad, [a.verifier, w.verifier]))).toBe('INVALID_SIGNATURE');
  });

  it('accepts 20 signatures, all verified', async () => {
    const pairs = Array.from({ length: 20 }, (_, i) => keyPair(`w${i}.example`));
    const note = await signNote(TEXT, pairs.map((p) => p.signer));
    expect(openNote(note, pairs.map((p) => p.verifier)).verifiedBy).toHaveLength(20);
  });

  it('caps signature lines at 100 (or maxSignatures)', async () => {
    const { signer, verifier } = keyPair('log.example');
    const note = await signNote(TEXT, [signer]);
    const line = note.slice(TEXT.length + 1);
    const unknownLine = line.replace('log.example', 'other.example');
    expect(openNote(note + unknownLine.repeat(99), [verifier]).unknown).toHaveLength(99);
    expect(errorCode(() => openNote(note + unknownLine.repeat(100), [verifier]))).toBe('MALFORMED_NOTE');
    expect(errorCode(() => openNote(note + unknownLine.repeat(16), [verifier], { maxSignatures: 16 }))).toBe('MALFORMED_NOTE');
  });

  it('refuses two verifiers for one (name, hint) pair', async () => {
    const a = keyPair('log.example');
    const twin = createNoteVerifier('log.example', a.verifier.publicKey);
    expect(errorCode(() => openNote(`${TEXT}\n— x AAAAAAE=\n`, [a.verifier, twin]))).toBe('AMBIGUOUS_VERIFIER');
  });

  it('keeps a leading byte-order mark as part of the signed text', async () => {
    const { signer, verifier } = keyPair('log.example');
    const note = await signNote(`\uFEFF${TEXT}`, [signer]);
    expect(openNote(encoding.utf8(note), [verifier]).text).toBe(`\uFEFF${TEXT}`);
  });
});

describe('parseSignedNote strictness', () => {
  const line = '— log.example AAAAAAE=\n'; // key ID 00000000, one-byte signature
  const cases: Array<[string, string | Uint8Array]> = [
    ['missing final newline', `${TEXT}\n${line.slice(0, -1)}`],
    ['no blank line', `${TEXT}${line}`],
    ['no signature', `${TEXT}\n`],
    ['blank line after the signatures', `${TEXT}\n${line}\n`],
    ['hyphen instead of em dash', `${TEXT}\n${line.replace('—', '-')}`],
    ['em dash without space', `${TEXT}\n${line.replace('— ', '—')}`],
    ['empty name', `${TEXT}\n—  AAAAAAE=\n`],
    ['name with +', `${TEXT}\n${line.replace('log.example', 'log+example')}`],
    ['no signature after name', `${TEXT}\n— log.example\n`],
    ['two spaces', `${TEXT}\n${line.replace(' AAAA', '  AAAA')}`],
    ['unpadded base64', `${TEXT}\n${line.replace('AAAAAAE=', 'AAAAAAE')}`],
    ['non-canonical base64', `${TEXT}\n${line.replace('AAAAAAE=', 'AAAAAAF=')}`],
    ['not base64', `${TEXT}\n${line.replace('AAAAAAE=', 'AAAA*AE=')}`],
    ['signature shorter than 5 bytes', `${TEXT}\n— log.example AAAAAA==\n`],
    ['carriage return', `${TEXT}\n${line.replace('\n', '\r\n')}`],
    ['tab in text', `a\tb\n\n${line}`],
    ['NUL in text', `a\u0000b\n\n${line}`],
    ['lone surrogate', `a\uD800b\n\n${line}`],
    ['invalid UTF-8 bytes', encoding.concatBytes(Uint8Array.of(0x61, 0xff, 0x0a, 0x0a), encoding.utf8(line))],
  ];
  for (const [what, input] of cases) {
    it(`rejects ${what}`, () => expect(errorCode(() => parseSignedNote(input))).toBe('MALFORMED_NOTE'));
  }

  it('splits at the last blank line, so the text may hold blank lines', () => {
    const note = parseSignedNote(`a\n\nb\n\n${line}`);
    expect(note.text).toBe('a\n\nb\n');
    expect(note.signatures).toHaveLength(1);
  });

  it('formats what it parses, byte for byte', () => {
    const textArb = fc.array(fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\u0000-\u001F]/g, '')), { minLength: 1, maxLength: 5 });
    const sigArb = fc.record({
      name: fc.stringMatching(/^[a-z0-9./-]{1,20}$/),
      keyHint: fc.uint8Array({ minLength: 4, maxLength: 4 }),
      signature: fc.uint8Array({ minLength: 1, maxLength: 80 }),
    });
    fc.assert(
      fc.property(textArb, fc.array(sigArb, { minLength: 1, maxLength: 5 }), (lines, signatures) => {
        const text = `${lines.join('\n')}\n`;
        const wire = formatSignedNote({ text, signatures });
        const parsed = parseSignedNote(wire);
        expect(parsed.text).toBe(text);
        expect(formatSignedNote(parsed)).toBe(wire);
      }),
    );
  });

  it('refuses to format a text without its final newline', () => {
    expect(errorCode(() => formatSignedNote({ text: 'a', signatures: [] }))).toBe('MALFORMED_NOTE');
  });
});
