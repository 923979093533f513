import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findTool, toolAvailable } from './prerequisites.js';
import { runTool } from './run-tool.js';

/**
 * A real C2SP tlog-witness: litewitness from filippo.io/torchwood v0.6.1, signing through an ssh-agent that holds a
 * fresh Ed25519 key, on 127.0.0.1 with a database of its own. `.ci/run` installs litewitness and witnessctl and
 * sets LITEWITNESS and WITNESSCTL; without them (and outside CI) suites skip.
 */

export interface LitewitnessTools {
  readonly litewitness: string;
  readonly witnessctl: string;
}

const WHY = 'witnessing is tested against litewitness (go install filippo.io/torchwood/cmd/litewitness@v0.6.1 and cmd/witnessctl; .ci/run sets LITEWITNESS and WITNESSCTL)';

/** litewitness and witnessctl, plus ssh-agent, ssh-add and ssh-keygen (openssh-client), or undefined (a skip). */
export function litewitnessTools(): LitewitnessTools | undefined {
  const litewitness = findTool({ env: 'LITEWITNESS', command: 'litewitness', why: WHY });
  const witnessctl = litewitness && findTool({ env: 'WITNESSCTL', command: 'witnessctl', why: WHY });
  if (litewitness === undefined || witnessctl === undefined) return undefined;
  const ssh = 'litewitness signs through ssh-agent (apt-get install openssh-client)';
  if (!['ssh-agent', 'ssh-add', 'ssh-keygen'].every((c) => toolAvailable(c, ssh))) return undefined;
  return { litewitness, witnessctl };
}

export interface Litewitness {
  /** The witness's name, on its cosignature lines. */
  readonly name: string;
  /** Its submission prefix, `http://127.0.0.1:<port>` (add-checkpoint is at `<url>/add-checkpoint`). */
  readonly url: string;
  /** Its cosignature vkey (type 0x04), as litewitness itself prints it at start-up. */
  readonly vkey: string;
  /** Registers a log: `witnessctl add-log -origin` and `add-key -origin -key` (the log's note vkey). */
  addLog(origin: string, logVkey: string): Promise<void>;
  /** Stops the witness process (database and agent kept): the witness is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port, database and key. */
  start(): Promise<void>;
  /** What litewitness wrote to stderr, for failure messages. */
  output(): string;
  /** Stops everything and removes the temporary folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(!!socket.end()));
    socket.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Starts ssh-agent with a fresh Ed25519 key and litewitness named `name` on a free port of 127.0.0.1.
 *
 * @example
 * const tools = litewitnessTools();
 * const witness = tools && (await startLitewitness(tools));
 * await witness.addLog(origin, formatVerifierKey(origin, logPublicKey));
 */
export async function startLitewitness(tools: LitewitnessTools, options: { name?: string } = {}): Promise<Litewitness> {
  const name = options.name ?? 'witness.sigbox.test/litewitness';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-litewitness-'));
  const socket = path.join(dir, 'agent.sock');
  const db = path.join(dir, 'litewitness.db');
  const env = { PATH: process.env.PATH, HOME: dir, SSH_AUTH_SOCK: socket };
  // -D: the agent stays in the foreground, so it is our child and stops with it.
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { env, stdio: 'ignore' });
  let witness: ChildProcess | undefined;
  let stderr = '';
  try {
    await waitFor('ssh-agent', () => fs.existsSync(socket), agent);
    const keygen = await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(dir, 'key')], { env });
    if (keygen.code !== 0) throw new Error(`ssh-keygen: ${keygen.stderr}`);
    const add = await runTool('ssh-add', [path.join(dir, 'key')], { env });
    if (add.code !== 0) throw new Error(`ssh-add: ${add.stderr}`);
    const fingerprint = (await runTool('ssh-keygen', ['-l', '-f', path.join(dir, 'key.pub')], { env })).stdout.split(' ')[1] ?? '';
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let vkey = '';

    const start = async () => {
      const args = ['-name', name, '-db', db, '-ssh-agent', socket, '-key', fingerprint, '-listen', `127.0.0.1:${port}`];
      const child = spawn(tools.litewitness, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      witness = child;
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitFor('litewitness', () => accepts(port), child);
      vkey = /vkey=(\S+)/.exec(stderr)?.[1] ?? '';
      if (vkey === '') throw new Error(`litewitness printed no vkey:\n${stderr}`);
    };
    await start();

    const witnessctl = async (args: string[]) => {
      const result = await runTool(tools.witnessctl, [...args.slice(0, 1), '-db', db, ...args.slice(1)], { env });
      if (result.code !== 0) throw new Error(`witnessctl ${args.join(' ')}: ${result.stderr}`);
    };
    return {
      name,
      url,
      get vkey() {
        return vkey;
      },
      async addLog(origin, logVkey) {
        await witnessctl(['add-log', '-origin', origin]);
        await witnessctl(['add-key', '-origin', origin, '-key', logVkey]);
      },
      stop: () => stopChild(witness, 'SIGINT'),
      start,
      output: () => stderr,
      async close() {
        await stopChild(witness, 'SIGINT');
        await stopChild(agent, 'SIGTERM');
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChild(witness, 'SIGKILL');
    await stopChild(agent, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
