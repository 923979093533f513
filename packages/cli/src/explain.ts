import { type Evaluation, type Identity, type Policy, evaluate } from '@sigbox/policy';
import type { CheckedCandidate } from './signed-candidate.js';

type Verified = Extract<CheckedCandidate, { role: 'signature' | 'attestation' }>;
type Rejected = Extract<CheckedCandidate, { role: 'rejected' }>;

/** One verified signature and the policy's verdict on it. */
export interface SignatureVerdict {
  readonly source: string;
  readonly identity: Identity;
  readonly signedAt: Date | undefined;
  /** The verified attestations the policy saw with this signature (those by the same signer). */
  readonly attestations: readonly { readonly source: string; readonly predicateType: string }[];
  readonly evaluation: Evaluation;
}

export interface Explanation {
  /** What was explained: an image reference with its digest, or a bundle file. */
  readonly subject: string;
  readonly context: { readonly image?: string; readonly artifact?: string };
  readonly signatures: readonly SignatureVerdict[];
  /** Every verified attestation found (whoever signed it). */
  readonly attestations: readonly Verified[];
  /** Everything found that did not verify, or verified but is not about this subject. */
  readonly rejected: readonly Rejected[];
  /** The first signature a rule accepts, and that rule. */
  readonly accepted: { readonly rule: string; readonly source: string } | undefined;
}

const sameSigner = (a: Identity, b: Identity) => a.issuer === b.issuer && a.subject === b.subject;

/**
 * The policy's verdict on every verified signature. Each is evaluated with the attestations its own signer made
 * (same issuer and subject): an attestation anyone on the instance could attach must not satisfy a rule about
 * someone else. `attestationsSign`: a bundle file that is an attestation is also that artifact's signature.
 */
export function explain(
  policy: Policy,
  checked: readonly CheckedCandidate[],
  subject: string,
  context: { image?: string; artifact?: string },
  attestationsSign = false,
): Explanation {
  const verified = checked.filter((c): c is Verified => c.role !== 'rejected');
  const attestations = verified.filter((c) => c.role === 'attestation');
  const signers = verified.filter((c) => c.role === 'signature' || attestationsSign);
  const signatures = signers.map((s): SignatureVerdict => {
    const own = attestations.filter((a) => sameSigner(a.identity, s.identity));
    const evaluation = evaluate(policy, s.identity, {
      ...context,
      attestations: own.map((a) => ({ predicateType: a.predicateType as string, predicate: a.predicate })),
    });
    return {
      source: s.source,
      identity: s.identity,
      signedAt: s.signedAt,
      attestations: own.map((a) => ({ source: a.source, predicateType: a.predicateType as string })),
      evaluation,
    };
  });
  const first = signatures.find((s) => s.evaluation.accepted !== undefined);
  return {
    subject,
    context,
    signatures,
    attestations,
    rejected: checked.filter((c): c is Rejected => c.role === 'rejected'),
    accepted: first === undefined ? undefined : { rule: first.evaluation.accepted as string, source: first.source },
  };
}
