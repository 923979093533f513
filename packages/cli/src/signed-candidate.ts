import crypto from 'node:crypto';
import { CertificateIdentityError, type Identity, identityFromCertificate } from '@sigbox/policy';
import type { BundleVerifier } from './signature-verify.js';

/** What `policy explain` found to check: a bundle (and the artifact a message signature covers), from somewhere. */
export interface Candidate {
  /** Where it came from, for people: `bundle file x.json`, `.sig layer sha256:…`, `referrer sha256:…`. */
  readonly source: string;
  readonly bundle: unknown;
  readonly artifact: Uint8Array | undefined;
  /** Set when the candidate could not even be read as a bundle (a key-signed legacy layer, say). */
  readonly unreadable?: string;
}

/** A candidate after verification: a signature (of the image or artifact) or an attestation, or why it is neither. */
export type CheckedCandidate =
  | { readonly source: string; readonly role: 'rejected'; readonly error: string }
  | {
      readonly source: string;
      readonly role: 'signature' | 'attestation';
      readonly identity: Identity;
      readonly signedAt: Date | undefined;
      /** The in-toto statement's predicate, for DSSE candidates. */
      readonly predicateType: string | undefined;
      readonly predicate: unknown;
    };

/** cosign v2.5+/v3 signs images as an in-toto statement with this predicate (cosign pkg/types CosignSignPredicateType). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const IN_TOTO = 'application/vnd.in-toto+json';

interface Statement {
  predicateType?: unknown;
  predicate?: unknown;
  subject?: Array<{ digest?: Record<string, string> }>;
}

/** The payload cosign signs for an image on the legacy path (containers/image "simple signing", cosign pkg/payload). */
interface SimpleSigning {
  critical?: { image?: { 'docker-manifest-digest'?: string } };
}

function parseJson<T>(bytes: Uint8Array, what: string): T {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    throw new Error(`${what} is not JSON`);
  }
}

/** Whether the statement names `digest` (`sha256:<hex>`) among its subjects. */
function statementNames(statement: Statement, digest: string): boolean {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return (statement.subject ?? []).some((s) => s.digest?.[algorithm] === hex);
}

/**
 * Verifies one candidate and says what it is. `subjectDigest` is what it must be about (the image's manifest digest,
 * or the artifact's sha256): a valid signature over something else is no signature of this subject (cosign
 * pkg/cosign/verify.go checks the simple-signing digest and the statement's subjects the same way).
 */
export function checkCandidate(verifier: BundleVerifier, candidate: Candidate, subjectDigest: string | undefined): CheckedCandidate {
  const rejected = (error: string): CheckedCandidate => ({ source: candidate.source, role: 'rejected', error });
  if (candidate.unreadable !== undefined) return rejected(candidate.unreadable);
  let verified;
  try {
    verified = verifier.verify(candidate.bundle, candidate.artifact);
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    return rejected(`does not verify: ${code === undefined ? '' : `${code}: `}${message}`);
  }
  let identity: Identity;
  try {
    identity = identityFromCertificate(verified.certificateDer);
  } catch (err) {
    if (!(err instanceof CertificateIdentityError)) throw err;
    return rejected(`verifies, but its certificate names no identity: ${err.message}`);
  }
  const base = { source: candidate.source, identity, signedAt: verified.signedAt };
  try {
    if (verified.dsse !== undefined) {
      if (verified.dsse.payloadType !== IN_TOTO) return rejected(`verifies, but its DSSE payload is ${verified.dsse.payloadType}, not an in-toto statement`);
      const statement = parseJson<Statement>(verified.dsse.payload, 'the DSSE payload');
      if (typeof statement.predicateType !== 'string') return rejected('verifies, but its statement has no predicateType');
      if (subjectDigest !== undefined && !statementNames(statement, subjectDigest)) return rejected(`verifies, but its statement is not about ${subjectDigest}`);
      const role = statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
      return { ...base, role, predicateType: statement.predicateType, predicate: statement.predicate };
    }
    if (subjectDigest !== undefined && candidate.artifact !== undefined) {
      // A legacy `.sig` signs a simple-signing payload naming the image; a bundle file's message signature signs the artifact itself.
      const artifactDigest = `sha256:${crypto.createHash('sha256').update(candidate.artifact).digest('hex')}`;
      if (artifactDigest !== subjectDigest) {
        const named = parseJson<SimpleSigning>(candidate.artifact, 'the signed payload').critical?.image?.['docker-manifest-digest'];
        if (named !== subjectDigest) return rejected(`verifies, but it signs ${named ?? artifactDigest}, not ${subjectDigest}`);
      }
    }
  } catch (err) {
    return rejected(`verifies, but ${(err as Error).message}`);
  }
  return { ...base, role: 'signature', predicateType: undefined, predicate: undefined };
}
