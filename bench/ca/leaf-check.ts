/**
 * What the CA generator checks before it counts a response. Every 200 must carry the issuing CA at
 * `certificates[1]` (what sigstore-python requires) and a leaf whose structure is right: one DER certificate
 * issued under that CA's subject, empty subject, the bench identity in its SAN, a key and a signature. One leaf in
 * {@link LEAF_VERIFY_EVERY} is fully verified with the CA's key (`X509Certificate.verify`), as bench/log does for
 * inclusion proofs: the full check costs the generator ≈ 0.3 ms a certificate, as much as the server spends on
 * it, and would make the load generator the bottleneck of a 2-core run. A 200 that fails either check fails the run.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { parseCertificate } from '@sigbox/x509';

/** One answer in this many is verified in full (signature over the TBS with the issuing CA's key). */
export const LEAF_VERIFY_EVERY = 16;
const EMPTY_SUBJECT = Buffer.from([0x30, 0x00]); // fulcio leaves have an empty subject (docs/certificate-specification.md)
const PEM_ARMOUR = /-----(BEGIN|END) CERTIFICATE-----/g;

export interface LeafCheckStats {
  /** 200s seen (structure checked on each). */
  checked: number;
  /** Of those, fully verified. */
  verified: number;
  /** 200s that failed a check, and why the first one did. */
  failed: number;
  firstFailure?: string;
}

type Answer = Record<string, { chain?: { certificates?: unknown } } | undefined>;

/** The answer's form: embedded SCT when the server runs its CT log, detached (and empty) without. */
export type AnswerForm = 'signedCertificateEmbeddedSct' | 'signedCertificateDetachedSct';

function leafProblem(form: AnswerForm, issuingPem: string, issuerName: Buffer, identity: Buffer, body: Buffer): [string | undefined, string | undefined] {
  const answer = JSON.parse(body.toString('utf8')) as Answer;
  const certificates = answer[form]?.chain?.certificates;
  if (!Array.isArray(certificates) || typeof certificates[0] !== 'string') return [`no leaf in ${form}`, undefined];
  if (certificates[1] !== issuingPem) return ['certificates[1] is not the issuing CA', undefined];
  const leafPem = certificates[0];
  const der = Buffer.from(leafPem.replace(PEM_ARMOUR, ''), 'base64');
  const parts = parseCertificate(der); // throws on anything but one whole DER certificate
  if (!Buffer.from(parts.issuer).equals(issuerName)) return ['leaf issuer is not the CA subject', undefined];
  if (!Buffer.from(parts.subject).equals(EMPTY_SUBJECT)) return ['leaf subject is not empty', undefined];
  if (parts.spki.length === 0 || parts.signature.length === 0 || der.indexOf(identity) < 0) return ['leaf lacks a key, a signature or the identity', undefined];
  return [undefined, leafPem];
}

/**
 * @param issuingPem the issuing CA's PEM from the trust bundle; trimmed, it must appear at `certificates[1]`.
 * @param identity bytes the leaf's SAN must contain (the bench email).
 * @param form the answer form every 200 must have.
 */
export function createLeafCheck(issuingPem: string, identity: string, form: AnswerForm) {
  const issuing = new X509Certificate(issuingPem);
  const expectedPem = issuingPem.trimEnd();
  const issuerName = Buffer.from(parseCertificate(issuing.raw).subject);
  const issuingKey: KeyObject = issuing.publicKey;
  const identityBytes = Buffer.from(identity);
  const stats: LeafCheckStats = { checked: 0, verified: 0, failed: 0 };
  const fail = (why: string) => {
    stats.failed++;
    stats.firstFailure ??= why;
    return false;
  };
  const accept = (status: number, body: Buffer): boolean => {
    if (status !== 200) return false; // reported by the load loop as not counted
    stats.checked++;
    let problem: string | undefined;
    let leafPem: string | undefined;
    try {
      [problem, leafPem] = leafProblem(form, expectedPem, issuerName, identityBytes, body);
    } catch (err) {
      problem = `unparsable answer: ${(err as Error).message}`;
    }
    if (problem !== undefined || leafPem === undefined) return fail(problem ?? 'no leaf');
    if (stats.checked % LEAF_VERIFY_EVERY !== 1) return true;
    stats.verified++;
    return new X509Certificate(leafPem).verify(issuingKey) || fail('leaf signature does not verify with the issuing CA key');
  };
  return { accept, stats };
}
