export { ExportError, type ExportErrorCode } from './error.js';
export { EXPORT_TARGETS, type ExportTarget, type ExportInput, type ExportResult, type ExportFile } from './types.js';
export { exportPolicy, DEFAULT_NAME } from './export.js';
export { ecmaToRe2, globToRe2, quoteRe2, Re2TranslationError } from './re2.js';
export { rekorUrlOf } from './trust-material.js';
