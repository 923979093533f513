import { encoding } from '@sigbox/core';
import { NoteError } from './note-error.js';

/** Every signature line opens with U+2014 EM DASH and a space (C2SP signed-note §Format). */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';
/** Bytes of key ID that open each signature: the big-endian uint32 of C2SP signed-note §Signatures. */
export const KEY_HINT_LENGTH = 4;
/**
 * Cap on signature lines. The spec says verifiers MUST accept at least 16; golang.org/x/mod/sumdb/note `Open`
 * rejects more than 100, which is what we do too.
 */
export const MAX_NOTE_SIGNATURES = 100;

/** One signature line: who claims to have signed, the 4-byte key ID, and the signature proper. */
export interface NoteSignature {
  readonly name: string;
  readonly keyHint: Uint8Array;
  readonly signature: Uint8Array;
}

/** A parsed but unverified note. `text` ends in `\n` and is exactly what the signatures cover. */
export interface SignedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

// ASCII controls other than \n are forbidden anywhere in a note; DEL and C1 controls are not (x/mod/sumdb/note Open).
const FORBIDDEN_CONTROL_RE = /[\u0000-\u0009\u000B-\u001F]/;
// A JS string holding a lone surrogate cannot be valid UTF-8.
const LONE_SURROGATE_RE = /\p{Surrogate}/u;
// Unicode White_Space is exactly Go's unicode.IsSpace, which x/mod/sumdb/note isValidName uses.
const WHITE_SPACE_RE = /\p{White_Space}/u;
// ignoreBOM keeps a leading U+FEFF as text: it is part of the signed bytes.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A key name is non-empty and has neither Unicode white space nor `+` (C2SP signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !WHITE_SPACE_RE.test(name) && !name.includes('+') && !LONE_SURROGATE_RE.test(name);
}

function malformed(message: string): NoteError {
  return new NoteError('MALFORMED_NOTE', `malformed note: ${message}`);
}

/** The note as a string, after the encoding checks every note must pass. */
function decodeNote(input: string | Uint8Array): string {
  let note: string;
  if (typeof input === 'string') {
    if (LONE_SURROGATE_RE.test(input)) throw malformed('not valid UTF-8');
    note = input;
  } else {
    try {
      note = UTF8.decode(input);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  if (FORBIDDEN_CONTROL_RE.test(note)) throw malformed('control character other than newline');
  return note;
}

/**
 * Standard padded base64 that re-encodes to the same text. Go's StdEncoding would also take non-zero trailing
 * bits; no encoder writes them, and refusing them means one signature has exactly one spelling.
 */
export function decodeCanonicalBase64(text: string): Uint8Array | undefined {
  try {
    const bytes = encoding.fromBase64(text);
    return text !== '' && encoding.toBase64(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) throw malformed('signature line does not start with an em dash and a space');
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed('invalid key name on a signature line');
  const raw = decodeCanonicalBase64(b64);
  if (raw === undefined) throw malformed(`signature of ${name} is not canonical base64`);
  // Key ID plus at least one byte of signature (x/mod/sumdb/note: len(sig) < 5 is malformed).
  if (raw.length <= KEY_HINT_LENGTH) throw malformed(`signature of ${name} is too short`);
  return { name, keyHint: raw.slice(0, KEY_HINT_LENGTH), signature: raw.slice(KEY_HINT_LENGTH) };
}

/**
 * Parses a signed note without verifying it: the text is everything up to the **last** blank line, which must
 * be followed by one or more signature lines, each ending in `\n`.
 *
 * @see https://c2sp.org/signed-note
 * @example
 * const { text, signatures } = parseSignedNote(await response.text());
 */
export function parseSignedNote(input: string | Uint8Array, options: { maxSignatures?: number } = {}): SignedNote {
  const note = decodeNote(input);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature block missing or not newline-terminated');
  const lines = block.slice(0, -1).split('\n');
  const max = options.maxSignatures ?? MAX_NOTE_SIGNATURES;
  if (lines.length > max) throw malformed(`more than ${max} signatures`);
  return { text: note.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

/** Throws MALFORMED_NOTE unless `text` can be a note's text: ends in `\n`, no forbidden characters. */
export function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('note text must end in a newline');
  decodeNote(text);
}

/** `— <name> <base64(keyID ‖ signature)>\n`, as x/mod/sumdb/note `Sign` writes it. */
export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) throw new NoteError('INVALID_KEY', `invalid key name ${JSON.stringify(sig.name)}`);
  if (sig.keyHint.length !== KEY_HINT_LENGTH) throw new NoteError('INVALID_KEY', 'key ID must be 4 bytes');
  if (sig.signature.length === 0) throw malformed('empty signature');
  return `${SIGNATURE_LINE_PREFIX}${sig.name} ${encoding.toBase64(encoding.concatBytes(sig.keyHint, sig.signature))}\n`;
}

/** The wire form of a note: text, one blank line, then every signature line in order. */
export function formatSignedNote(note: SignedNote): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw malformed('a signed note needs at least one signature');
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}
