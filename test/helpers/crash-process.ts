import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIGBOX = ['--conditions=@sigbox/source', 'packages/cli/bin/sigbox.mjs', 'up'];
/** `sigbox up` on Postgres starts in about a second; allow for a loaded CI machine. */
const START_TIMEOUT_MS = 30_000;
/** Enough of a process's stderr to explain a failed start, without growing for ever. */
const STDERR_KEEP = 8_000;

export interface SigboxProcessOptions {
  /** Shown in messages: `A`, `B`. */
  name: string;
  dataDir: string;
  databaseUrl: string;
  logKeyFile: string;
}

/**
 * One `sigbox up` that the test kills with SIGKILL and starts again (on a new port each time). `url` is set
 * only between the `listening on` line and the kill, so writers never pick a process known to be down.
 */
export class SigboxProcess {
  url: string | undefined;
  /** How long each start took, from spawn to `listening on`, in ms. */
  readonly startTimes: number[] = [];
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(private readonly options: SigboxProcessOptions) {}

  /** Spawns the process and resolves with its URL once it prints `listening on`. */
  async start(): Promise<string> {
    const { dataDir, databaseUrl, logKeyFile } = this.options;
    const args = ['--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--database-url', databaseUrl, '--log-key', logKeyFile];
    // DATABASE_URL from the environment must not compete with the flag.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, [...SIGBOX, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    const spawned = performance.now();
    child.stdout?.resume(); // JSON request logs: not needed, but the pipe must not fill up.
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.options.name} did not start: ${this.stderr}`)), START_TIMEOUT_MS);
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEEP);
        const match = /listening on (http:\/\/\S+)/.exec(this.stderr);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.options.name} exited (${code ?? signal}) before listening: ${this.stderr}`));
      });
    });
    this.startTimes.push(Math.round(performance.now() - spawned));
    this.url = url;
    return url;
  }

  /** SIGKILL: no shutdown hooks, open transactions and sockets die with the process. */
  async kill(): Promise<void> {
    const child = this.child;
    this.url = undefined;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Whether the process died without being killed by the test (a crash worth reporting). */
  get crashed(): boolean {
    return this.child !== undefined && (this.child.exitCode !== null || this.child.signalCode !== null);
  }

  get lastStderr(): string {
    return this.stderr;
  }
}
