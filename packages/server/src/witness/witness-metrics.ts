import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the witnessing loop reports: the shortfall of a witness that is down, slow or refusing shows here. */
export interface WitnessMetrics {
  /** One add-checkpoint answer (or failure) of `witness`: `cosigned`, `conflict` (409) or an error code in lower case. */
  result(witness: string, result: string): void;
  /** The size `witness` last cosigned. */
  cosignedSize(witness: string, size: bigint): void;
  /** The size of the newest checkpoint sent to the witnesses. */
  checkpointSize(size: bigint): void;
  /** Whether the newest cosigned checkpoint satisfies the policy's quorum. */
  quorumMet(met: boolean): void;
  /** How long a round took, all witnesses together. */
  round(durationMs: number): void;
}

/** Registers the witness metric families on `registry`, once per registry (the composition root does). */
export function createWitnessMetrics(registry: Registry): WitnessMetrics {
  const registers = [registry];
  const results = new Counter({
    name: 'sigbox_witness_cosignatures_total',
    help: 'add-checkpoint requests by witness and result: cosigned, conflict (409, retried from the witness size), or the error (timeout, unreachable, signature_refused, inconsistent, ...)',
    labelNames: ['witness', 'result'] as const,
    registers,
  });
  const cosigned = new Gauge({ name: 'sigbox_witness_cosigned_size', help: 'Tree size each witness last cosigned', labelNames: ['witness'] as const, registers });
  const sent = new Gauge({ name: 'sigbox_witness_checkpoint_size', help: 'Tree size of the newest checkpoint sent to the witnesses', registers });
  const quorum = new Gauge({ name: 'sigbox_witness_quorum_met', help: '1 when the newest checkpoint sent is cosigned by a quorum of the witness policy, else 0', registers });
  const rounds = new Histogram({
    name: 'sigbox_witness_round_seconds',
    help: 'Duration of one witnessing round (every witness in parallel)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    result: (witness, result) => results.inc({ witness, result }),
    cosignedSize: (witness, size) => cosigned.set({ witness }, Number(size)),
    checkpointSize: (size) => sent.set(Number(size)),
    quorumMet: (met) => quorum.set(met ? 1 : 0),
    round: (durationMs) => rounds.observe(durationMs / 1000),
  };
}
