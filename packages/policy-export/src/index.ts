export { ExportError, type ExportErrorCode } from './error.js';
export { EXPORT_TARGETS, type ExportTarget, type ExportInput, type ExportResult, type ExportFile } from './types.js';
export { exportPolicy } from './export.js';
