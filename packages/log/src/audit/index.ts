export { auditTree, listAuditTrees } from './audit-tree.js';
export {
  type AuditProblem,
  type AuditProblemCode,
  type AuditProgress,
  type AuditTreeOptions,
  type AuditTreeRow,
  type TreeAuditReport,
  DEFAULT_AUDIT_BATCH,
  DEFAULT_AUDIT_BATCH_BYTES,
  DEFAULT_MAX_LISTED_PROBLEMS,
} from './audit-types.js';
