/**
 * The real `sigbox` command in a child process, as a user starts it (`npm run sigbox -- …`): the end-to-end,
 * interop, crash and workers tests and the benchmarks drive it from outside. The process is the unit under test,
 * so nothing here reaches into its internals.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A first persistent PGlite start runs initdb: allow for a slow, shared machine. */
export const SIGBOX_START_TIMEOUT_MS = 90_000;
/** How long a SIGTERM may take before SIGKILL follows. */
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 100;
/** The repository: the command's path and `npm start` are relative to it (same depth from src/ and dist/). */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The launcher: the build without Node flags (as `npm start` runs it), the TypeScript sources with the condition. */
const SIGBOX_LAUNCHER = 'packages/cli/bin/sigbox.mjs';
const FROM_SOURCES = '--conditions=@sigbox/source';
/** The banner's line (also a bench server's): `sigbox listening on http://127.0.0.1:40123`. */
const LISTENING = /listening on (https?:\/\/\S+)/;

export interface NodeProcessOptions {
  /** Node flags before the script, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Changes to the environment, e.g. `{ UV_THREADPOOL_SIZE: '3' }`; undefined removes a variable. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Keep stdout for {@link NodeProcess.stdout} (`sigbox up` logs a JSON line per request). Off, it is discarded,
   * so a long benchmark does not grow memory.
   */
  keepStdout?: boolean;
}

export interface SigboxCommandOptions extends NodeProcessOptions {
  /**
   * Run the build (each package's dist/; `npm run build` first), as `npm start` and the container do, instead of the
   * TypeScript sources, which need no build step (the default, for tests).
   */
  fromBuild?: boolean;
}

/** A Node child process started from the repository, with its output collected. */
export interface NodeProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far; empty unless started with `keepStdout`. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited and its output is read; null when a signal ended it. */
  exited(): Promise<number | null>;
  /** SIGTERM (SIGKILL if it has not exited after 15 s), then the exit code: 0 on a clean shutdown. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown hook runs, open transactions and sockets die with the process. */
  kill(): Promise<void>;
}

/**
 * `node args…` with the repository as working folder and this process's environment but DATABASE_URL: which
 * database the process uses is the caller's choice, made with a flag.
 */
export function spawnNode(args: readonly string[], options: NodeProcessOptions = {}): NodeProcess {
  const { DATABASE_URL: _chosenByFlag, ...inherited } = process.env;
  const env = Object.fromEntries(Object.entries({ ...inherited, ...options.env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', options.keepStdout === true ? 'pipe' : 'ignore', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  // Made at spawn, so a process that has already ended still resolves it; 'close' rather than 'exit', so all the
  // output is in once it resolves.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    stop: async () => {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      return exit;
    },
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** The passphrase of the keyrings {@link ensureTestKeyring} makes (SIGBOX_KEY_PASSPHRASE). */
export const TEST_KEY_PASSPHRASE = 'sigbox-test-passphrase';

/**
 * A keyring made by the real ceremony (`sigbox init --keys DIR`, encrypted with {@link TEST_KEY_PASSPHRASE}), once:
 * an existing keyring.json is kept, so restarts on one data folder keep their keys. Resolves with `dir`.
 */
export async function ensureTestKeyring(dir: string, options: SigboxCommandOptions = {}): Promise<string> {
  if (existsSync(path.join(dir, 'keyring.json'))) return dir;
  const init = spawnSigbox(['init', '--keys', dir, '--ca-algorithm', 'ecdsa-p256'], { ...options, keepStdout: true, env: { ...options.env, SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE } });
  const code = await init.exited();
  if (code !== 0) throw new Error(`sigbox init --keys ${dir} exited ${code}: ${init.stderr()}`);
  return dir;
}

/** `sigbox args…`, e.g. `['--help']` or `['ca', 'init', '--out', dir]`. */
export function spawnSigbox(args: readonly string[], options: SigboxCommandOptions = {}): NodeProcess {
  return spawnNode([...(options.fromBuild === true ? [] : [FROM_SOURCES]), SIGBOX_LAUNCHER, ...args], options);
}

/**
 * The URL of the process's `listening on` line, once it prints one. Rejects, with its stderr, if it exits first
 * or takes longer than `timeoutMs` (it is then stopped).
 */
export async function untilListening(proc: NodeProcess, timeoutMs = SIGBOX_START_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = LISTENING.exec(proc.stderr())?.[1];
    if (url !== undefined) return url;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`exited (${proc.child.exitCode ?? proc.child.signalCode}) before listening: ${proc.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await proc.stop();
  throw new Error(`did not listen within ${timeoutMs} ms: ${proc.stderr()}`);
}

export interface SigboxOptions extends SigboxCommandOptions {
  /** The data folder (keys, trust files, the embedded PGlite's files). */
  dataDir: string;
  /** PostgreSQL instead of the embedded PGlite. */
  databaseUrl?: string;
  /** Default 0: a free port. */
  port?: number;
  /** `--host`; unset, the command's own default (127.0.0.1) applies. */
  host?: string;
  /** More `sigbox up` flags, e.g. `['--dev']`, `['--workers', '2']`. */
  args?: readonly string[];
  startTimeoutMs?: number;
}

/** A `sigbox up` that is listening. */
export interface SigboxProcess extends NodeProcess {
  /** From the banner's `listening on` line, e.g. http://127.0.0.1:40123 (https with --tls-cert). */
  readonly url: string;
  /** Milliseconds from spawn to the `listening on` line. */
  readonly startMs: number;
}

/**
 * Starts `sigbox up --port 0 --data DIR …` and resolves once it listens; rejects (the process stopped) if it dies
 * or does not listen in time. Always `stop()` or `kill()` it.
 *
 * @example
 * const sigbox = await startSigbox({ dataDir, args: ['--dev'], keepStdout: true });
 * await fetch(`${sigbox.url}/healthz`);
 * expect(await sigbox.stop()).toBe(0);
 */
export async function startSigbox(options: SigboxOptions): Promise<SigboxProcess> {
  const args = ['up', '--port', String(options.port ?? 0), '--data', options.dataDir];
  const extra = options.args ?? [];
  // A production start needs a keyring (`sigbox init`): made once beside the data folder unless the test chose.
  if (!extra.includes('--dev') && !extra.includes('--keys')) {
    args.push('--keys', await ensureTestKeyring(`${options.dataDir}-keys`, options));
    options = { ...options, env: { SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE, ...options.env } };
  }
  if (options.host !== undefined) args.push('--host', options.host);
  if (options.databaseUrl !== undefined) args.push('--database-url', options.databaseUrl);
  const spawned = performance.now();
  const proc = spawnSigbox([...args, ...extra], options);
  try {
    const url = await untilListening(proc, options.startTimeoutMs);
    return { ...proc, url, startMs: Math.round(performance.now() - spawned) };
  } catch (error) {
    await proc.stop();
    throw new Error(`sigbox ${args.join(' ')}: ${(error as Error).message}`);
  }
}
