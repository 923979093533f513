import { readFile } from 'node:fs/promises';
import { type Policy, PolicyError, parsePolicy } from '@sigbox/policy';
import type { Logger } from '@sigbox/server';
import { formatPolicyError } from './policy-lint.js';

/** A policy file that cannot be used: the message names the file (and line:column for a PolicyError). */
export class MonitorPolicyError extends Error {}

/** Reads and parses the watch rules' policy file. */
export async function loadMonitorPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new MonitorPolicyError(`cannot read the policy ${file}: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) throw new MonitorPolicyError(formatPolicyError(file, err));
    throw err;
  }
}

/**
 * Re-reads the policy on SIGHUP, as `sigbox up` does its --issuance-policy: the new file is parsed whole before it
 * replaces the old one; a bad file is logged (file:line) and the old rules stay. Returns the unsubscribe.
 */
export function reloadPolicyOnSighup(file: string, use: (policy: Policy) => void, logger: Logger): () => void {
  const reload = () => {
    loadMonitorPolicy(file).then(
      (policy) => {
        use(policy);
        logger.info({ file, rules: policy.rules.length }, 'monitor policy reloaded');
      },
      (err: Error) => logger.error({ file, reason: err.message }, 'monitor policy not reloaded: the previous rules stay'),
    );
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}
