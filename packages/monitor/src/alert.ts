/**
 * What the monitor raises. A log misbehaving (bad signature, rollback, fork, entries not in the tree), a watched
 * identity used from an unexpected place (a policy rule), an image without an accepted signature.
 */
export type AlertKind = 'bad-signature' | 'rollback' | 'fork' | 'bad-inclusion' | 'identity' | 'unsigned-image';

export interface MonitorAlert {
  /**
   * Stable for one finding: the same fork, entry or image yields the same id after a restart, so sinks deliver it
   * once (the webhook outbox drops ids it has already queued) and receivers can deduplicate on it.
   */
  readonly id: string;
  readonly kind: AlertKind;
  /** The metric label: the policy rule's name for identity alerts, the kind otherwise. */
  readonly rule: string;
  /** The log (or registry repository) the finding is about. */
  readonly source: string;
  readonly message: string;
  /** Evidence: the signed heads involved, the entry index and certificate identity, the failing fields … */
  readonly details: Readonly<Record<string, unknown>>;
}
