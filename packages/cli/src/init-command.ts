import { BaseError } from '@sigbox/core';
import { initKeyring } from '@sigbox/server';
import type { InitCommand } from './init-config.js';
import type { CliIo } from './io.js';

/** The ceremony ran and failed (folder not empty, token error …): the command line itself was fine. */
export const EXIT_INIT_FAILED = 1;

/** What an operator must keep, said once at the end of the ceremony. */
function backupAdvice(command: InitCommand, dir: string): string {
  const secret = command.custody.kind === 'file' ? 'the passphrase (kept apart from the folder: the folder alone opens nothing)' : `the token ${command.custody.tokenLabel} (its backup, as its vendor documents) and its PIN`;
  return (
    `Back up now, and again after every \`sigbox rotate\`:\n` +
    `  - the folder ${dir} (keyring.json, ${command.custody.kind === 'file' ? 'the encrypted key files, ' : ''}the CA, tuf/)\n` +
    `  - ${secret}\n` +
    `  - the database (pg_dump), as README.md "Backup and restore" says\n` +
    `Start the box with: sigbox up --keys ${dir} …\n` +
    `Give clients ${dir}/tuf/1.root.json, once: cosign initialize --mirror <public-url>/tuf --root ${dir}/tuf/1.root.json\n`
  );
}

/** Runs `sigbox init`; resolves with the exit code. Messages name files and labels, never a passphrase or PIN. */
export async function runInitCommand(command: InitCommand, io: CliIo): Promise<number> {
  try {
    const made = await initKeyring(command);
    const lines = made.keys.map((k) => `  ${k.name.padEnd(16)} ${k.role.padEnd(14)} ${k.algorithm.padEnd(11)} ${k.custody === 'hsm' ? `HSM label ${k.label}` : k.custody === 'file' ? `${k.file} (encrypted)` : `CA folder ${k.dir}`}`);
    io.stdout(`made the keys of a new box in ${made.dir}\n${lines.join('\n')}\n\n${backupAdvice(command, made.dir)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof BaseError || (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string'))) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_INIT_FAILED;
  }
}
