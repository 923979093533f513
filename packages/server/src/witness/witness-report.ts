import type { PolicyWitness } from '@sigbox/witness';
import type { Logger } from 'pino';
import type { WitnessMetrics } from './witness-metrics.js';

/** Records one witness answer: `cosigned`, `conflict` (409) or an error code in lower case. */
export type WitnessReport = (witness: PolicyWitness, result: string, size: bigint, error?: unknown) => void;

/**
 * Counts every answer and logs changes: a witness that stops cosigning is a warning once (with the reason), then
 * debug lines while it stays so (one down for an hour would otherwise warn every round), and info when it is back.
 */
export function createWitnessReport(metrics: WitnessMetrics, log: Logger): WitnessReport {
  const lastResult = new Map<string, string>();
  return (witness, result, size, error) => {
    metrics.result(witness.name, result);
    if (result === 'conflict') return; // a step of the exchange, not its outcome
    const previous = lastResult.get(witness.name);
    lastResult.set(witness.name, result);
    const fields = { witness: witness.name, url: witness.url, size: size.toString(), result };
    if (result === 'cosigned') {
      if (previous !== undefined && previous !== 'cosigned') log.info(fields, 'witness cosigns again');
      return;
    }
    const err = error instanceof Error ? error.message : String(error);
    if (previous !== result) log.warn({ ...fields, err }, 'witness did not cosign the checkpoint');
    else log.debug({ ...fields, err }, 'witness still does not cosign');
  };
}
