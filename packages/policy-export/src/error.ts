import { BaseError } from '@sigbox/core';

/**
 * - `NOT_EXPRESSIBLE`: a rule expects something the target cannot check (listed in `details.dropped`); exporting it
 *   anyway would silently widen what is admitted, so it is refused unless the caller passes `allowDropped`.
 * - `UNSUPPORTED_PATTERN`: a policy pattern Go RE2 cannot run (lookaround, backreferences, …); names rule and line.
 * - `INVALID_TRUST_MATERIAL`: the trusted root (or TUF root) is not what a Sigbox instance serves.
 * - `INVALID_INPUT`: an unknown target, an empty policy, a bad name, `remote` trust without TUF material.
 */
export type ExportErrorCode = 'NOT_EXPRESSIBLE' | 'UNSUPPORTED_PATTERN' | 'INVALID_TRUST_MATERIAL' | 'INVALID_INPUT';

export class ExportError extends BaseError<ExportErrorCode> {}
