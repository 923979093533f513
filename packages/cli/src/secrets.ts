import fs from 'node:fs';
import path from 'node:path';
import type { KeySecrets } from '@sigbox/keyring';
import { ConfigError } from './error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The key files' passphrase, from the environment (or a file named on the command line). */
export const PASSPHRASE_ENV = 'SIGBOX_KEY_PASSPHRASE';
/** The HSM token's user PIN, from the environment (or a file named on the command line). */
export const PIN_ENV = 'SIGBOX_HSM_PIN';

export const SECRET_FLAGS = {
  'passphrase-file': { type: 'string' },
  'pin-file': { type: 'string' },
} as const;

/**
 * A secret from a file (its first line: `echo pw > file` leaves a newline that is not part of it) or the
 * environment, never from argv, where every user of the machine can read it in the process list.
 */
function secret(flag: string, file: string | undefined, envName: string, env: Env, cwd: string): string | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (cause) {
      throw new ConfigError('INVALID_VALUE', `--${flag}: cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
    }
    const value = text.split(/\r?\n/)[0] ?? '';
    if (value === '') throw new ConfigError('INVALID_VALUE', `--${flag}: ${file} is empty`);
    return value;
  }
  const value = env[envName];
  return value === '' ? undefined : value;
}

/** `--passphrase-file` / SIGBOX_KEY_PASSPHRASE and `--pin-file` / SIGBOX_HSM_PIN. */
export function keySecrets(flags: { 'passphrase-file'?: string | undefined; 'pin-file'?: string | undefined }, env: Env, cwd: string): KeySecrets {
  const passphrase = secret('passphrase-file', flags['passphrase-file'], PASSPHRASE_ENV, env, cwd);
  const pin = secret('pin-file', flags['pin-file'], PIN_ENV, env, cwd);
  return Object.freeze({ ...(passphrase === undefined ? {} : { passphrase }), ...(pin === undefined ? {} : { pin }) });
}
