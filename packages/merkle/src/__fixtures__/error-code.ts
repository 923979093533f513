import { MerkleError, type MerkleErrorCode } from '../errors.js';
import { NoteError, type NoteErrorCode } from '../note-error.js';

/**
 * The code of the MerkleError or NoteError that `fn` throws, or 'no error' when it returns. Any other error is
 * rethrown: it fails the test that asked, whatever code the test expected.
 */
export function errorCode(fn: () => unknown): MerkleErrorCode | NoteErrorCode | 'no error' {
  try {
    fn();
  } catch (err) {
    if (err instanceof MerkleError || err instanceof NoteError) return err.code;
    throw err;
  }
  return 'no error';
}
