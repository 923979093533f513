import { ExportError } from './error.js';
import type { ExportInput, ExportResult, ExportTarget } from './types.js';

/**
 * Translate a parsed policy into `target`'s admission or verification configuration. Pure and deterministic: the
 * same input gives the same bytes (sorted, no timestamps). Throws ExportError only.
 */
export function exportPolicy(target: ExportTarget, input: ExportInput): ExportResult {
  void input;
  throw new ExportError('INVALID_INPUT', `export ${target}: not yet`);
}
