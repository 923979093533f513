import fs from 'node:fs/promises';
import path from 'node:path';
import { CA_DIR_MODE } from './layout.js';
import { readOptional, replaceFile, syncDir, writeNewFile } from '@sigbox/keyring';
import { CeremonyError } from './error.js';

// The file primitives every key folder shares (exclusive create + fsync, atomic replace) come from the keyring.
export { readOptional, replaceFile, syncDir, writeNewFile };

const isCode = (err: unknown, ...codes: string[]) => codes.includes((err as NodeJS.ErrnoException).code ?? '');

/** Refuses a directory that exists with anything in it: a CA is never overwritten, not even partly. */
export async function assertAbsentOrEmpty(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return;
    throw err;
  }
  if (entries.length > 0) throw new CeremonyError('CA_EXISTS', `${dir} is not empty (${entries.slice(0, 3).join(', ')}); refusing to overwrite it`);
}

/**
 * Builds a directory in a private sibling staging folder, then renames it into place. rename(2) is atomic
 * and replaces only an empty directory, so readers never see half a CA, and of two processes creating the
 * same CA exactly one wins; the loser gets CA_EXISTS (ENOTEMPTY/EEXIST) and its staging folder is removed.
 */
export async function createDirAtomically<T>(dir: string, build: (staging: string) => Promise<T>): Promise<T> {
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true, mode: CA_DIR_MODE });
  const staging = await fs.mkdtemp(path.join(parent, `.${path.basename(dir)}.staging-`));
  try {
    await fs.chmod(staging, CA_DIR_MODE);
    const result = await build(staging);
    await syncDir(staging);
    try {
      await fs.rename(staging, dir);
    } catch (err) {
      if (isCode(err, 'ENOTEMPTY', 'EEXIST', 'ENOTDIR')) throw new CeremonyError('CA_EXISTS', `${dir} already exists; refusing to overwrite it`, { cause: err });
      throw err;
    }
    await syncDir(parent);
    return result;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

