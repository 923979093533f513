// Witnessing of a tree's checkpoints (C2SP tlog-witness): the loop, its storage and metrics, the policy file.
export {
  type CheckpointWitnessing,
  type CheckpointWitnessingService,
  type CheckpointWitnessingOptions,
  type CheckpointSource,
  DEFAULT_COSIGNED_WAIT_MS,
  DEFAULT_WITNESS_POLL_MS,
  createCheckpointWitnessing,
} from './checkpoint-witnessing.js';
export { type WitnessMetrics, createWitnessMetrics } from './witness-metrics.js';
export { type WitnessedCheckpoint, type WitnessTables } from './witnessed-store.js';
export { loadWitnessPolicy } from './load-policy.js';
