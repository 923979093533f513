import { bytesEqual, encoding } from '@sigbox/core';
import { type NoteSignature, formatSignedNote, parseSignedNote } from '@sigbox/merkle';
import type { PolicyWitness } from './policy.js';

function sameKey(a: NoteSignature, b: NoteSignature): boolean {
  return a.name === b.name && bytesEqual(a.keyHint, b.keyHint);
}

/**
 * The note with `cosignatures` appended after its own lines; a cosignature from a key already on the note
 * replaces that line in place (a witness answering again stamps a newer time), so each key signs once.
 *
 * @example
 * const cosigned = addCosignatures(checkpoint, outcome.signatures);
 */
export function addCosignatures(note: string, cosignatures: readonly NoteSignature[]): string {
  const parsed = parseSignedNote(note);
  const signatures = [...parsed.signatures];
  for (const cosignature of cosignatures) {
    const at = signatures.findIndex((s) => sameKey(s, cosignature));
    if (at >= 0) signatures[at] = cosignature;
    else signatures.push(cosignature);
  }
  return formatSignedNote({ text: parsed.text, signatures });
}

/**
 * The policy's witnesses whose cosignature on `note` verifies (by policy name). Lines of other keys are
 * ignored; a line with a witness's name and key ID that fails to verify does not count.
 */
export function cosignedBy(note: string, witnesses: readonly PolicyWitness[]): Set<string> {
  const parsed = parseSignedNote(note);
  const text = encoding.utf8(parsed.text);
  const out = new Set<string>();
  for (const witness of witnesses) {
    const lines = parsed.signatures.filter((s) => s.name === witness.key.name && bytesEqual(s.keyHint, witness.key.keyHint));
    if (lines.length > 0 && lines.every((s) => witness.key.verify(text, s.signature))) out.add(witness.name);
  }
  return out;
}
