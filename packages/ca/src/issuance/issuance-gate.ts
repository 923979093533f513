import type { Principal } from '@sigbox/oidc';
import { type Policy, type RateLimit, evaluate } from '@sigbox/policy';
import { CaError } from '../errors.js';
import { identityOfPrincipal } from './principal-identity.js';
import { refusalMessage } from './refusal.js';

/** Whose certificates one rate limit counts: the accepting rule and the certificate's subject (SAN value). */
export interface RateLimitKey {
  readonly rule: string;
  readonly subject: string;
}

export type RateLimitTake =
  | { readonly granted: true; /** Gives the slot back: the certificate was not issued after all. */ release(): Promise<void> }
  | { readonly granted: false; /** Until the oldest slot of the window frees. */ readonly retryAfterMs: number };

/** Counts certificates per key in a sliding window of `limit.perSeconds`, shared by whoever shares its store. */
export interface RateLimiter {
  take(key: RateLimitKey, limit: RateLimit, now: Date): Promise<RateLimitTake>;
}

/** A granted issuance: told once whether the certificate left (a refused or failed issuance frees its slot). */
export interface Admission {
  settle(issued: boolean): Promise<void>;
}

/** Decides, after the token and the proof of possession verified, whether this principal may have a certificate. */
export interface IssuanceGate {
  admit(principal: Principal): Promise<Admission>;
}

const ADMITTED: Admission = { settle: async () => undefined };

/**
 * The issuance policy as a gate: the identity the certificate would carry is evaluated with no context (scope and
 * attestation requirements do not apply to issuance, see @sigbox/policy README); no accepting rule is a 403
 * IDENTITY_NOT_ACCEPTED naming each rule's first failing field, and the accepting rule's `rateLimit`, if any, takes
 * a slot keyed by (rule, subject) or answers 429 RATE_LIMITED with the seconds until one frees. The policy is
 * fixed for the gate's life: a reload builds a new gate (and CA service), so a request finishes on the one it began.
 */
export function createPolicyGate(deps: { policy: Policy; rateLimiter?: RateLimiter; clock?: () => Date }): IssuanceGate {
  const clock = deps.clock ?? (() => new Date());
  return {
    async admit(principal) {
      const identity = identityOfPrincipal(principal);
      const { accepted, verdicts } = evaluate(deps.policy, identity);
      if (accepted === undefined) {
        throw new CaError('IDENTITY_NOT_ACCEPTED', refusalMessage(identity.issuer, identity.subject, verdicts), {
          details: { reason: 'issuance policy', issuer: identity.issuer, subject: identity.subject, verdicts },
        });
      }
      const limit = deps.policy.rules.find((r) => r.name === accepted)?.rateLimit;
      if (limit === undefined || deps.rateLimiter === undefined) return ADMITTED;
      const key = { rule: accepted, subject: identity.subject };
      const taken = await deps.rateLimiter.take(key, limit, clock()).catch((cause: unknown) => {
        throw new CaError('CA_BACKEND', 'error communicating with CA backend', { cause, details: { reason: 'rate limit store' } });
      });
      if (!taken.granted) {
        const retryAfterSeconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        throw new CaError(
          'RATE_LIMITED',
          `Rate limit of rule ${accepted} reached for subject ${JSON.stringify(identity.subject)}: ${limit.certificates} certificates per ${limit.perSeconds} s; retry in ${retryAfterSeconds} s`,
          { details: { reason: 'rate limit', ...key, retryAfterSeconds } },
        );
      }
      return { settle: async (issued) => (issued ? undefined : taken.release()) };
    },
  };
}
