import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { ConfigError } from './error.js';

/**
 * A command's flags, strictly: node:util parseArgs errors become a ConfigError naming the flag (and the command,
 * for the subcommands), so every command refuses a bad command line in the same words.
 */
export function parseCommandFlags<const O extends ParseArgsOptionsConfig>(command: string | undefined, argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '?';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigError('UNKNOWN_FLAG', `unknown flag ${flag}${command === undefined ? '' : ` for '${command}'`}`);
    throw new ConfigError('BAD_FLAG', `bad flag ${flag}: ${message.split('. ')[0]}`, { cause: err });
  }
}

/** Refuses arguments a command does not take. */
export function noPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0) throw new ConfigError('UNKNOWN_COMMAND', `unexpected argument '${positionals[0]}'`);
}
