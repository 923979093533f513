import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { toolAvailable, unavailable } from './prerequisites.js';

/**
 * Throwaway SoftHSM v2 tokens, for PKCS#11 code against a real token. Debian's `softhsm2` package installs the
 * library at /usr/lib/softhsm/libsofthsm2.so (a link into the multiarch folder); SOFTHSM2_MODULE overrides the
 * search.
 */
const LIBRARY_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so', // Debian, Ubuntu
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so', // Fedora
  '/usr/local/lib/softhsm/libsofthsm2.so', // source builds
  '/opt/homebrew/lib/softhsm/libsofthsm2.so', // macOS
];

/** The SoftHSM library's path, or undefined (a skip; under CI=true a failure). */
export function softHsmLibrary(): string | undefined {
  const why = 'PKCS#11 signer tests run against SoftHSM (apt-get install softhsm2)';
  if (!toolAvailable('softhsm2-util', why)) return undefined;
  const library = [process.env.SOFTHSM2_MODULE, ...LIBRARY_CANDIDATES].find((p) => p !== undefined && fs.existsSync(p));
  return library ?? unavailable('libsofthsm2.so not found (set SOFTHSM2_MODULE)', why);
}

export interface SoftHsmToken {
  readonly module: string;
  readonly tokenLabel: string;
  readonly pin: string;
  /** The slot SoftHSM moved the token to on initialisation. */
  readonly slot: bigint;
  remove(): void;
}

/**
 * Initialises a token in a fresh temporary token folder and points this process at it with SOFTHSM2_CONF,
 * which SoftHSM reads in C_Initialize: create tokens before opening signers on them (the library is
 * finalised again when its last signer closes).
 */
export async function createSoftHsmToken(module: string, options: { label?: string; pin?: string } = {}): Promise<SoftHsmToken> {
  const { label = 't', pin = '1234' } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(tokens);
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const args = ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '5678'];
  const { stdout } = await promisify(execFile)('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf } });
  const slot = /reassigned to slot (\d+)/.exec(stdout)?.[1];
  if (slot === undefined) throw new Error(`softhsm2-util did not report the token's slot: ${stdout}`);
  return { module, tokenLabel: label, pin, slot: BigInt(slot), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
