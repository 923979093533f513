/**
 * Upstream Rekor v2 (sigstore/rekor-tiles, POSIX storage) as a child process, for the same-run comparison of
 * bench/log's sweep. Bench only: CI does not run it, and nothing else in the repository needs the binary.
 *
 * Install once (the binary path can also be given as REKOR_TILES_BIN):
 *   GOBIN=/root/.cache/sigbox-tools/rekor-tiles-v2.3.0 go install github.com/sigstore/rekor-tiles/v2/cmd/rekor-server/posix@v2.3.0
 */
import { type ChildProcess, spawn } from 'node:child_process';
import crypto, { type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REKOR_TILES_VERSION = 'v2.3.0';
const DEFAULT_BINARY = `/root/.cache/sigbox-tools/rekor-tiles-${REKOR_TILES_VERSION}/posix`;
const INSTALL_HINT =
  `GOBIN=${path.dirname(DEFAULT_BINARY)} go install github.com/sigstore/rekor-tiles/v2/cmd/rekor-server/posix@${REKOR_TILES_VERSION}` +
  ' (or set REKOR_TILES_BIN to a rekor-tiles POSIX rekor-server binary)';
/** The checkpoint origin and note key name, as posix-compose.yml names its log. */
export const REKOR_TILES_ORIGIN = 'rekor-local';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** The last part of the server's stderr kept for error messages (its output is drained, not stored). */
const STDERR_KEPT = 16 * 1024;

export interface RekorTilesOptions {
  /** Add posix-compose.yml's `--log-level=debug --request-response-logging=true` (every request logged). */
  debugLog?: boolean;
}

export interface RekorTiles {
  /** The HTTP address, e.g. http://127.0.0.1:40123 (POST /api/v2/log/entries). */
  url: string;
  pid: number;
  /** The checkpoint signer's public key (Ed25519). */
  publicKey: KeyObject;
  /** The flags it runs with, for the report. */
  args: readonly string[];
  stderr(): string;
  /** SIGTERM (SIGKILL after 15 s), then its key and storage are deleted; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The binary: REKOR_TILES_BIN or the bench's tool cache; throws how to install it when missing. */
export function rekorTilesBinary(): string {
  const binary = process.env.REKOR_TILES_BIN || DEFAULT_BINARY;
  if (!existsSync(binary)) throw new Error(`rekor-tiles not found at ${binary}; install it with: ${INSTALL_HINT}`);
  return binary;
}

/**
 * The flags of rekor-tiles' posix-compose.yml at v2.3.0 (commit fa390b1c17f9685f7a164da2c06e82dc295cfdca), on
 * 127.0.0.1 and free ports, fresh storage and a fresh Ed25519 key, with its default batching (tessera v1.0.2:
 * 256 entries / 250 ms, pushback at 4,096 outstanding). Left out: `--witness-policy-path` (the compose file's
 * witness is another container; Sigbox runs without witnesses here too) and, unless `debugLog`, the compose
 * file's debug request/response logging, a development setting that logs every request and answer.
 */
export async function startRekorTiles(options: RekorTilesOptions = {}): Promise<RekorTiles> {
  const binary = rekorTilesBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-rekor-tiles-'));
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'ed25519-priv-key.pem');
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const [httpPort, grpcPort, metricsPort] = await freePorts(3);
  const args = [
    'serve',
    '--http-address=127.0.0.1',
    `--http-port=${httpPort}`,
    '--grpc-address=127.0.0.1',
    `--grpc-port=${grpcPort}`,
    `--http-metrics-port=${metricsPort}`,
    `--hostname=${REKOR_TILES_ORIGIN}`,
    `--storage-dir=${path.join(dir, 'posixlog')}`,
    `--signer-filepath=${keyFile}`,
    '--checkpoint-interval=2s',
    '--persistent-antispam=true',
    ...(options.debugLog === true ? ['--log-level=debug', '--request-response-logging=true'] : []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    const code = await stopChild(child, exited);
    await rm(dir, { recursive: true, force: true });
    return code;
  };
  try {
    await untilServing(url, child);
  } catch (error) {
    await stop();
    throw new Error(`rekor-tiles did not start: ${(error as Error).message}\n${stderr}`);
  }
  return { url, pid: child.pid as number, publicKey, args, stderr: () => stderr, stop };
}

/** Ports free right now on 127.0.0.1 (the kernel's choice; held together so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Polls /healthz (rekor-tiles answers {"status":"SERVING"} once its gRPC service is up). */
async function untilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const body = await fetch(`${url}/healthz`).then((r) => r.text(), () => '');
    if (body.includes('SERVING')) return;
    await sleep(100);
  }
  throw new Error(`no healthy answer within ${START_TIMEOUT_MS / 1000} s`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
