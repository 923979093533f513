/**
 * What every interop suite stands on: the real `sigbox up` on one engine (the embedded PGlite, or a fresh
 * PostgreSQL database it must migrate itself), a temporary folder whose `home/` and empty `tuf/` stand in for the
 * user's, so no client finds the user's trust material or the public-good TUF root, and the clients run against it
 * in a clean environment.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Engine } from '@sigbox/db';
import { TILE_WIDTH, entryBundlePath } from '@sigbox/merkle';
import { type TestDatabase, createTestDatabase } from './db.js';
import { type ToolResult, runTool } from './run-tool.js';
import { SIGBOX_START_TIMEOUT_MS, type SigboxProcess, startSigbox } from './sigbox-process.js';

/** For the suite's beforeAll: a Postgres database to create, then the box's first start. */
export const INTEROP_STACK_START_TIMEOUT_MS = SIGBOX_START_TIMEOUT_MS + 30_000;

/** Environment variables that would point a client at other trust material or another instance. */
const INHERITED_TRUST_ENV = /^(SIGSTORE_|TUF_|COSIGN_)/;

/** The files `sigbox up` writes into its data folder for clients. */
export type TrustFileName = 'trusted_root.json' | 'signing_config.v0.2.json' | 'trust_config.json' | 'fulcio_v1.crt.pem' | 'rekor.pub' | 'ctfe.pub';

/** The parts of trusted_root.json the suites read; the rest is kept for copies with one part changed. */
export interface TrustedRootJson {
  tlogs: Array<{ logId: { keyId: string }; publicKey: { keyDetails: string } }>;
  ctlogs: unknown[];
  [field: string]: unknown;
}

export interface InteropStackOptions {
  /** Names the temporary folder, `sigbox-<name>-…`. */
  name: string;
  /** `--dev`, for the development OIDC issuer at `<url>/oidc` (default true). */
  dev?: boolean;
  /** Keep the request log for {@link InteropStack.requestLog}. */
  keepRequestLog?: boolean;
  /** More `sigbox up` flags. */
  args?: readonly string[];
}

export interface InteropStack {
  readonly engine: Engine;
  readonly sigbox: SigboxProcess;
  readonly url: string;
  /** The development issuer, `<url>/oidc` (with `dev`). */
  readonly issuer: string;
  /** The temporary folder, removed by close(); it holds `data/`, `work/`, `home/` and `tuf/`. */
  readonly dir: string;
  /** The clients' working folder. */
  readonly work: string;
  /** The clients' HOME. */
  readonly home: string;
  /** The clients' TUF_ROOT: empty. */
  readonly tufRoot: string;
  readonly trustedRoot: TrustedRootJson;
  trustFile(name: TrustFileName): string;
  /** A token from the development issuer; they live 10 minutes, so take one per signing. */
  devToken(email: string): Promise<string>;
  /** The Rekor v1 body stored at `logIndex` (base64), read from the server, not from a client's bundle. */
  loggedBody(logIndex: string | number): Promise<string>;
  /** The Rekor v2 entry stored at `logIndex` (base64), read from the v2 log's entry bundles (C2SP tlog-tiles). */
  loggedV2Body(logIndex: string | number): Promise<string>;
  /** The request log so far (with `keepRequestLog`), the last `chars` of it if given. */
  requestLog(chars?: number): string;
  /**
   * Runs a client in `work` with HOME and TUF_ROOT ours, `env` added, and no SIGSTORE_/TUF_/COSIGN_ variable of
   * the caller's; never rejects.
   */
  runClient(binary: string, args: readonly string[], env?: Readonly<Record<string, string>>): Promise<ToolResult>;
  /** Stops the box (SIGTERM), drops its database and removes the folder; resolves with the box's exit code. */
  close(): Promise<number | null>;
}

/** Starts the stack; on failure, whatever was started is stopped and removed again. */
export async function startInteropStack(engine: Engine, options: InteropStackOptions): Promise<InteropStack> {
  const dir = await mkdtemp(path.join(tmpdir(), `sigbox-${options.name}-`));
  const [work, home, tufRoot, data] = ['work', 'home', 'tuf', 'data'].map((d) => path.join(dir, d)) as [string, string, string, string];
  let database: TestDatabase | undefined;
  let sigbox: SigboxProcess | undefined;
  const close = async () => {
    const code = (await sigbox?.stop()) ?? null;
    await database?.close();
    await rm(dir, { recursive: true, force: true });
    return code;
  };
  try {
    await Promise.all([work, home, tufRoot].map((d) => mkdir(d)));
    // No migrations: `sigbox up` must bring an empty database up itself.
    database = engine === 'postgres' ? await createTestDatabase({ engine, migrate: false }) : undefined;
    sigbox = await startSigbox({
      dataDir: data,
      host: '127.0.0.1',
      args: [...(options.dev === false ? [] : ['--dev']), ...(options.args ?? [])],
      keepStdout: options.keepRequestLog ?? false,
      ...(database?.url === undefined ? {} : { databaseUrl: database.url }),
    });
    const started = sigbox;
    const trustFile = (name: TrustFileName) => path.join(data, name);
    const trustedRoot = JSON.parse(await readFile(trustFile('trusted_root.json'), 'utf8')) as TrustedRootJson;
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED_TRUST_ENV.test(k)));
    return {
      engine,
      sigbox: started,
      url: started.url,
      issuer: `${started.url}/oidc`,
      dir,
      work,
      home,
      tufRoot,
      trustedRoot,
      trustFile,
      devToken: (email) => devToken(started.url, email),
      loggedBody: (logIndex) => loggedBody(started.url, logIndex),
      loggedV2Body: (logIndex) => loggedV2Body(started.url, BigInt(logIndex)),
      requestLog: (chars) => (chars === undefined ? started.stdout() : started.stdout().slice(-chars)),
      runClient: (binary, args, env = {}) => runTool(binary, args, { cwd: work, env: { ...base, HOME: home, TUF_ROOT: tufRoot, ...env } }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function devToken(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (res.status !== 200) throw new Error(`dev token: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id_token: string }).id_token;
}

async function loggedBody(url: string, logIndex: string | number): Promise<string> {
  const res = await fetch(`${url}/api/v1/log/entries?logIndex=${logIndex}`);
  if (res.status !== 200) throw new Error(`entry ${logIndex}: HTTP ${res.status}`);
  const entries = Object.values((await res.json()) as Record<string, { body: string }>);
  if (entries.length !== 1) throw new Error(`entry ${logIndex}: ${entries.length} entries`);
  return (entries[0] as { body: string }).body;
}

/** Reads entry `logIndex` from its C2SP entry bundle, after the checkpoint says how wide that bundle is now. */
async function loggedV2Body(url: string, logIndex: bigint): Promise<string> {
  const checkpoint = await fetch(`${url}/api/v2/checkpoint`);
  if (checkpoint.status !== 200) throw new Error(`v2 checkpoint: HTTP ${checkpoint.status}`);
  const size = BigInt((await checkpoint.text()).split('\n')[1] ?? '0');
  if (logIndex >= size) throw new Error(`v2 entry ${logIndex}: beyond the checkpoint's size ${size}`);
  const width = BigInt(TILE_WIDTH);
  const bundle = logIndex / width;
  const res = await fetch(`${url}/api/v2/${entryBundlePath(bundle, Number(size - bundle * width >= width ? width : size - bundle * width))}`);
  if (res.status !== 200) throw new Error(`v2 entry bundle ${bundle}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  let offset = 0;
  for (let i = 0n; offset < bytes.length; i++) {
    const length = bytes.readUInt16BE(offset);
    if (i === logIndex % width) return bytes.subarray(offset + 2, offset + 2 + length).toString('base64');
    offset += 2 + length;
  }
  throw new Error(`v2 entry ${logIndex}: not in its bundle`);
}
