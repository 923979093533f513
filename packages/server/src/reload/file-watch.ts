import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Editors write a file in several steps (truncate, write, rename): one reload after the last event. */
export const DEFAULT_RELOAD_DEBOUNCE_MS = 200;
/**
 * The fallback poll: fs.watch misses changes on some filesystems (NFS, some container mounts) and loses a watch
 * whose directory is replaced. A stat every few seconds is nothing beside the requests it protects.
 */
export const DEFAULT_RELOAD_POLL_MS = 5_000;

export interface FileWatchOptions {
  readonly debounceMs?: number;
  readonly pollMs?: number;
  /** Told when the watch itself fails (the poll carries on). */
  readonly onWatchError?: (error: unknown) => void;
}

export interface FileWatch {
  close(): void;
}

const fingerprint = async (file: string): Promise<string> =>
  stat(file).then(
    (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
    (err: NodeJS.ErrnoException) => `missing:${err.code ?? ''}`,
  );

/**
 * Calls `onChange` (debounced) when `file` may have changed: an fs.watch on its DIRECTORY (a rename-replace, as
 * editors and Kubernetes ConfigMap symlink swaps do, ends a watch on the file itself) plus a slow stat poll that
 * fires when inode, size or mtime moved. The caller decides whether the content really changed.
 */
export function watchFile(file: string, onChange: () => void, options: FileWatchOptions = {}): FileWatch {
  const debounceMs = options.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const name = path.basename(file);
  let watcher: FSWatcher | undefined;
  try {
    // Any event in the directory may be ours (ConfigMaps swap a `..data` symlink, not the file's own name).
    watcher = watch(path.dirname(file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name || changed.startsWith('..')) fire();
    });
    watcher.on('error', (error) => options.onWatchError?.(error));
  } catch (error) {
    options.onWatchError?.(error);
  }
  let last: Promise<string> = fingerprint(file);
  const poll = setInterval(() => {
    last = last.then(async (before) => {
      const now = await fingerprint(file);
      if (now !== before) fire();
      return now;
    });
  }, options.pollMs ?? DEFAULT_RELOAD_POLL_MS);
  poll.unref();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}
