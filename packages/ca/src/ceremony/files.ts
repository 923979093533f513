import fs from 'node:fs/promises';
import path from 'node:path';
import { CA_DIR_MODE } from './layout.js';
import { CeremonyError } from './error.js';

const isCode = (err: unknown, ...codes: string[]) => codes.includes((err as NodeJS.ErrnoException).code ?? '');

/** Creates `file` exclusively (never overwrites) and fsyncs it: a CA key must survive a crash once reported. */
export async function writeNewFile(file: string, data: string, mode: number): Promise<void> {
  const handle = await fs.open(file, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a folder so a rename or create inside it is durable (POSIX: the entry lives in the folder). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT')) return undefined;
    throw err;
  }
}

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

/** Replaces `file` atomically (write a sibling, fsync, rename): for public files a rerun may rewrite. */
export async function replaceFile(file: string, data: string, mode: number): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeNewFile(temp, data, mode);
    await fs.rename(temp, file);
  } finally {
    await fs.rm(temp, { force: true });
  }
  await syncDir(path.dirname(file));
}
