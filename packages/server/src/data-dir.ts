import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';

/** Owner only: the folder holds the embedded database and, later, private keys. */
export const DATA_DIR_MODE = 0o700;
const GROUP_OR_OTHER = 0o077;

/**
 * Creates the data folder (mode 0700) on first start. An existing folder is used as is, with a warning when
 * others can read it: changing permissions an operator chose is not this program's call.
 */
export async function ensureDataDir(dir: string, logger: Logger): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
  // mkdir's mode is filtered by the umask; set it explicitly on what we created.
  if (created !== undefined) await chmod(dir, DATA_DIR_MODE);
  const { mode } = await stat(dir);
  if ((mode & GROUP_OR_OTHER) !== 0) {
    logger.warn({ dataDir: dir, mode: (mode & 0o777).toString(8) }, 'data folder is accessible to other users');
  }
}

/** Writes via a temporary file and rename, so readers never see a half-written document. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, file);
}
