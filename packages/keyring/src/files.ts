import fs from 'node:fs/promises';
import path from 'node:path';

/** Owner only: a key folder holds private keys, or at least names the HSM's. */
export const KEY_DIR_MODE = 0o700;
/** Owner only, even for an encrypted key: the passphrase is the second lock, not the only one. */
export const KEY_FILE_MODE = 0o600;
/** Certificates, public keys and the keyring's index are public. */
export const PUBLIC_FILE_MODE = 0o644;

const isCode = (err: unknown, ...codes: string[]) => codes.includes((err as NodeJS.ErrnoException).code ?? '');

/** Creates `file` exclusively (never overwrites) and fsyncs it: a key must survive a crash once reported. */
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

/** Replaces `file` atomically (write a sibling, fsync, rename), so a reader sees the old or the new text, whole. */
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

/** Creates the folder with mode 0700 (mkdir's mode is filtered by the umask, so it is set again). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await fs.mkdir(dir, { recursive: true, mode: KEY_DIR_MODE });
  if (created !== undefined) await fs.chmod(dir, KEY_DIR_MODE);
}
