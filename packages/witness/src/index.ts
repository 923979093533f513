export { WitnessError, type WitnessErrorCode } from './error.js';
export { type PolicyWitness, type QuorumNode, type WitnessPolicy, parseWitnessPolicy, quorumSatisfied } from './policy.js';
export {
  type AddCheckpointOutcome,
  type WitnessResponse,
  MAX_PROOF_LINES,
  MAX_RESPONSE_BYTES,
  TLOG_SIZE_CONTENT_TYPE,
  formatAddCheckpointRequest,
  readAddCheckpointResponse,
} from './add-checkpoint.js';
export { addCosignatures, cosignedBy } from './cosigned-note.js';
export { DEFAULT_WITNESS_TIMEOUT_MS, addCheckpointUrl, postAddCheckpoint } from './witness-client.js';
