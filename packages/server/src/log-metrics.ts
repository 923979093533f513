import type { TreeEngineOptions } from '@sigbox/log';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The log's own metrics: appends, batch sizes, integration latency, proof self-check failures. They are the
 * tree's event hooks, given to the engine where the tree is opened.
 */
export type LogMetrics = Required<Pick<TreeEngineOptions, 'onSequenced' | 'onIntegrated' | 'onProofSelfCheckFailed'>>;

/** The log metric families of one registry, shared by every tree (Rekor, CT), told apart by the `tree` label. */
export interface LogMetricFamilies {
  /** The hooks that count one tree's events. */
  forTree(tree: string): LogMetrics;
}

/** Registers the log metric families on `registry`, once per registry (the composition root does). */
export function createLogMetrics(registry: Registry): LogMetricFamilies {
  const labelNames = ['tree'] as const;
  const appends = new Counter({ name: 'sigbox_log_entries_sequenced_total', help: 'Entries given an index', labelNames, registers: [registry] });
  const batches = new Histogram({
    name: 'sigbox_log_sequencing_batch_size',
    help: 'Entries per sequencing transaction',
    labelNames,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const integrated = new Counter({ name: 'sigbox_log_entries_integrated_total', help: 'Entries integrated by this process', labelNames, registers: [registry] });
  const integration = new Histogram({
    name: 'sigbox_log_integration_seconds',
    help: 'Duration of one integration transaction (tiles, checkpoint signature, commit)',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const selfCheck = new Counter({
    name: 'sigbox_log_proof_self_check_failures_total',
    help: 'Inclusion proofs that did not verify against their checkpoint before being sent (never sent)',
    labelNames,
    registers: [registry],
  });
  return {
    forTree: (tree) => ({
      onSequenced(batchSize) {
        appends.inc({ tree }, batchSize);
        batches.observe({ tree }, batchSize);
      },
      onIntegrated(round, durationMs) {
        integrated.inc({ tree }, Number(round.size - round.previousSize));
        integration.observe({ tree }, durationMs / 1000);
      },
      onProofSelfCheckFailed: () => selfCheck.inc({ tree }),
    }),
  };
}
