/**
 * The real `sigbox up` in a child process, as a user starts it: interop tests point real clients at it and
 * bench/log loads it. The process is the unit under test, so nothing here reaches into its internals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIGBOX = ['--conditions=@sigbox/source', 'packages/cli/bin/sigbox.mjs', 'up'];
/** A first persistent PGlite start runs initdb: allow for a slow, shared machine. */
export const SIGBOX_START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 100;

export interface SigboxOptions {
  /** The data folder (log key, trusted root, PGlite files). */
  dataDir: string;
  /** Postgres instead of the embedded PGlite. */
  databaseUrl?: string;
  /** Extra node flags, e.g. `--cpu-prof` for profiling. */
  nodeArgs?: string[];
  /** Extra `sigbox up` flags, e.g. `--dev`. */
  args?: string[];
  /** Keep the request log (stdout) for {@link SigboxProcess.stdout}: for short runs whose failures need it. */
  keepRequestLog?: boolean;
}

export interface SigboxProcess {
  /** From the banner's `listening on` line, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** The request log so far; empty unless started with `keepRequestLog`. */
  stdout(): string;
  /** SIGTERM, then the exit code (0 on a clean shutdown). */
  stop(): Promise<number | null>;
}

/** Starts `sigbox up` on a free port of 127.0.0.1 and resolves once it listens; rejects if it dies first. */
export async function startSigbox(options: SigboxOptions): Promise<SigboxProcess> {
  // The caller's DATABASE_URL must not switch the process off the database the caller chose.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const args = ['--port', '0', '--host', '127.0.0.1', '--data', options.dataDir];
  if (options.databaseUrl !== undefined) args.push('--database-url', options.databaseUrl);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...SIGBOX, ...args], {
    cwd: ROOT,
    env,
    // stdout carries a JSON log line per request: drained, not kept, so a long bench does not grow memory.
    stdio: ['ignore', options.keepRequestLog === true ? 'pipe' : 'ignore', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await once(child, 'exit');
      clearTimeout(timer);
    }
    return child.exitCode;
  };
  try {
    const url = await listeningUrl(child, () => err);
    return { url, child, stderr: () => err, stdout: () => out, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function listeningUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  const deadline = Date.now() + SIGBOX_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/\S+)/.exec(stderr());
    if (match?.[1]) return match[1];
    if (child.exitCode !== null) throw new Error(`sigbox exited ${child.exitCode}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`sigbox did not start within ${SIGBOX_START_TIMEOUT_MS} ms: ${stderr()}`);
}
