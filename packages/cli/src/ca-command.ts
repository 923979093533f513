import { readFile } from 'node:fs/promises';
import { type CaName, createCaCsr, importIntermediate, initCa } from '@sigbox/ca';
import { BaseError, encoding, sha256 } from '@sigbox/core';
import type { CaCommand } from './ca-config.js';
import type { CliIo } from './io.js';

/** The ceremony ran and failed (existing CA, wrong passphrase, token error …): the command line itself was fine. */
export const EXIT_CA_FAILED = 1;

const fingerprint = (der: Uint8Array) => encoding.toHex(sha256(der)).replace(/(..)(?!$)/g, '$1:').toUpperCase();
const describe = (subject: CaName) => `O=${subject.organization}, CN=${subject.commonName}`;

async function init(command: Extract<CaCommand, { action: 'init' }>, io: CliIo): Promise<void> {
  const ca = await initCa({ dir: command.out, subject: command.subject, keys: command.keys, algorithm: command.algorithm });
  const files = ca.files.map((file) => `  ${ca.paths[file]}`);
  io.stdout(
    `created a ${command.algorithm} CA in ${ca.dir} (${describe(command.subject)}, keys: ${command.keys.kind})\n${files.join('\n')}\n` +
      `root SHA-256 fingerprint: ${fingerprint(ca.root.der)}\n` +
      (command.keys.kind === 'file' ? `move ${ca.paths.rootKey} offline: only the intermediate key is needed to issue\n` : ''),
  );
}

/** The CSR on stdout (to pipe it), everything else on stderr. */
async function csr(command: Extract<CaCommand, { action: 'csr' }>, io: CliIo): Promise<void> {
  const { csrPem, paths } = await createCaCsr({ dir: command.out, subject: command.subject, keys: command.keys, algorithm: command.algorithm });
  io.stdout(csrPem);
  io.stderr(`wrote ${paths.intermediateCsr}; have the root sign it, then run: sigbox ca import --out ${command.out} --cert FILE --root FILE\n`);
}

async function importCert(command: Extract<CaCommand, { action: 'import' }>, io: CliIo): Promise<void> {
  const [certPem, rootPem] = await Promise.all([readFile(command.cert, 'utf8'), readFile(command.root, 'utf8')]);
  const { paths, chainDer } = await importIntermediate({ dir: command.out, certPem, rootPem });
  io.stdout(`wrote ${paths.chain} (${chainDer.length} certificates)\nroot SHA-256 fingerprint: ${fingerprint(chainDer.at(-1) as Uint8Array)}\n`);
}

/** A failure the operator can act on: our typed errors and file-system errors (missing --cert file …). */
function isExpected(err: unknown): err is Error {
  return err instanceof BaseError || (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string');
}

/**
 * Runs `sigbox ca init|csr|import`; resolves with the exit code. Messages name files and labels, never the
 * passphrase or PIN (the ceremony's errors do not carry them).
 */
export async function runCaCommand(command: CaCommand, io: CliIo): Promise<number> {
  try {
    if (command.action === 'init') await init(command, io);
    else if (command.action === 'csr') await csr(command, io);
    else await importCert(command, io);
    return 0;
  } catch (err) {
    if (!isExpected(err)) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_CA_FAILED;
  }
}
