import fs from 'node:fs/promises';
import { type WitnessPolicy, WitnessError, parseWitnessPolicy } from '@sigbox/witness';
import { StartError } from '../error.js';

/**
 * Reads and parses the `--witness-policy` file at start-up. A policy that cannot be read or parsed stops the start
 * (CONFIG_UNUSABLE, naming the file and line): running without the witnesses the operator asked for would be silent.
 */
export async function loadWitnessPolicy(file: string): Promise<WitnessPolicy> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (cause) {
    throw new StartError('CONFIG_UNUSABLE', `cannot read the witness policy ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return parseWitnessPolicy(text);
  } catch (cause) {
    if (!(cause instanceof WitnessError)) throw cause;
    throw new StartError('CONFIG_UNUSABLE', `${file}: ${cause.message}`, { cause, ...(cause.details ? { details: cause.details } : {}) });
  }
}
