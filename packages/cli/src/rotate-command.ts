import { BaseError } from '@sigbox/core';
import { rotateKeyIn } from '@sigbox/server';
import type { CliIo } from './io.js';
import type { RotateCommand } from './rotate-config.js';

/** The rotation ran and failed (no keyring, database unreachable, token error …). */
export const EXIT_ROTATE_FAILED = 1;

export async function runRotateCommand(command: RotateCommand, io: CliIo): Promise<number> {
  try {
    const rotation = await rotateKeyIn(command);
    io.stdout(
      `${command.role}: ${rotation.entry.name} signs from ${rotation.validFrom.toISOString()} (was ${rotation.previous}); key ID ${rotation.keyId}\n` +
        `running boxes switch to it within seconds and publish the new trust files; back up ${command.keysDir} again\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof BaseError || (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string'))) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_ROTATE_FAILED;
  }
}
