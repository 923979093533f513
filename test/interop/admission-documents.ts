/**
 * Admission documents written by hand from the suite's policy and the box's trusted_root.json, for the suite's
 * "trap" tests: variants the real tools refuse or misread (so no export may write them), each shown beside the
 * equivalent that works. The verdict tables themselves run on `@sigbox/policy-export`'s output.
 *
 * Lessons encoded here, each checked by the suite or read in the tool's source (test/go/INTEGRATORS.md):
 * - Kyverno: one `verifyImages` entry reads ONE signature format (`type: Cosign`: legacy `.sig`/`.att` tags;
 *   `type: SigstoreBundle`: bundle referrers); two entries matching one image must BOTH pass, so a cluster picks
 *   one format per image scope. `Cosign` takes all trust from the policy (`roots`, `rekor.pubkey`, `ctlog.pubkey`);
 *   `SigstoreBundle` only from TUF_ROOT, and needs `issuer` AND `subject` set, or it checks no identity at all
 *   (pkg/image/verifiers/cpol/cosign/sigstore.go `buildPolicy`).
 * - policy-controller: a TrustRoot listing a non-ECDSA transparency log (the Rekor v2 log's Ed25519 key) breaks
 *   every legacy verification ("public key 1 is not ecdsa.PublicKey", pkg/webhook/validator.go), so `sigstoreKeys`
 *   carries the v1 log(s) only. An authority with `attestations` checks only them, not the image signature.
 */
import { stringify } from 'yaml';

/** trusted_root.json as far as the documents read it (protobuf-specs TrustedRoot, proto3 JSON). */
export interface TrustedRoot {
  certificateAuthorities: Array<{ subject?: { organization?: string; commonName?: string }; uri: string; certChain: { certificates: Array<{ rawBytes: string }> } }>;
  tlogs: Array<{ baseUrl: string; publicKey: { rawBytes: string; keyDetails: string } }>;
  ctlogs: Array<{ baseUrl: string; publicKey: { rawBytes: string; keyDetails: string } }>;
  timestampAuthorities?: Array<{ subject?: { organization?: string; commonName?: string }; uri: string; certChain: { certificates: Array<{ rawBytes: string }> } }>;
}

/** What the hand-written documents are made from: the policy's one rule, spelled out. */
export interface DocumentInput {
  trustedRoot: TrustedRoot;
  /** The box's URL: Rekor v1 and Fulcio. */
  url: string;
  issuer: string;
  subject: string;
  /** Kyverno `imageReferences` wildcard and policy-controller `glob` for the rule's scope. */
  imageGlob: string;
  predicateType: string;
  /** The predicate's `buildType` the rule requires. */
  buildType: string;
}

const pem = (type: string, base64: string) => `-----BEGIN ${type}-----\n${(base64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${type}-----\n`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
/** The Rekor v1 logs: ECDSA keys (the v2 log's is Ed25519, which the legacy verifiers cannot use). */
const v1Logs = (root: TrustedRoot) => root.tlogs.filter((t) => t.publicKey.keyDetails !== 'PKIX_ED25519');
const caPem = (root: TrustedRoot) => root.certificateAuthorities.flatMap((ca) => ca.certChain.certificates.map((c) => pem('CERTIFICATE', c.rawBytes))).join('');

function kyvernoPolicy(name: string, verifyImage: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name },
    spec: {
      background: false,
      validationFailureAction: 'Enforce',
      webhookTimeoutSeconds: 30,
      rules: [{ name: 'myorg-app-release', match: { any: [{ resources: { kinds: ['Pod'] } }] }, verifyImages: [verifyImage] }],
    },
  });
}

/** Kyverno `type: Cosign`: cosign's legacy `.sig`/`.att` reader, trust from the policy, no TUF. */
export function kyvernoCosign(input: DocumentInput, options: { trigger?: string } = {}): string {
  const keyless = {
    issuer: input.issuer,
    subject: input.subject,
    // Only the deprecated GitHub extensions 1.2-1.6 are nameable here (cosign pkg/cosign/certextensions.go).
    additionalExtensions: { githubWorkflowRepository: 'myorg/app', githubWorkflowRef: 'refs/heads/main', githubWorkflowTrigger: options.trigger ?? 'push' },
    roots: caPem(input.trustedRoot),
    rekor: { url: input.url, pubkey: v1Logs(input.trustedRoot).map((t) => pem('PUBLIC KEY', t.publicKey.rawBytes)).join('') },
    ctlog: { pubkey: input.trustedRoot.ctlogs.map((t) => pem('PUBLIC KEY', t.publicKey.rawBytes)).join('') },
  };
  return kyvernoPolicy('sigbox-cosign', {
    imageReferences: [input.imageGlob],
    type: 'Cosign',
    attestors: [{ entries: [{ keyless }] }],
    attestations: [{
      type: input.predicateType,
      attestors: [{ entries: [{ keyless }] }],
      conditions: [{ all: [{ key: '{{ buildType }}', operator: 'Equals', value: input.buildType }] }],
    }],
  });
}

/** Kyverno `type: SigstoreBundle`: bundle referrers, verified by sigstore-go against TUF_ROOT's trusted root. */
export function kyvernoBundle(input: DocumentInput, options: { trigger?: string } = {}): string {
  // additionalExtensions only with `trigger`: this verifier never reads them (the suite shows it).
  const extensions = options.trigger === undefined ? {} : { additionalExtensions: { githubWorkflowTrigger: options.trigger } };
  const keyless = { issuer: input.issuer, subject: input.subject, ...extensions, rekor: { url: input.url } };
  return kyvernoPolicy('sigbox-bundle', {
    imageReferences: [input.imageGlob],
    type: 'SigstoreBundle',
    attestors: [{ entries: [{ keyless }] }],
    attestations: [{
      type: input.predicateType,
      attestors: [{ entries: [{ keyless }] }],
      conditions: [{ all: [{ key: '{{ buildType }}', operator: 'Equals', value: input.buildType }] }],
    }],
  });
}

export const TRUST_ROOT_NAME = 'sigbox';

/** policy-controller TrustRoot `remote`: the box's TUF mirror and the ceremony's first root (base64). */
export function policyControllerRemoteTrustRoot(mirror: string, root: string): string {
  return stringify({ apiVersion: 'policy.sigstore.dev/v1alpha1', kind: 'TrustRoot', metadata: { name: TRUST_ROOT_NAME }, spec: { remote: { mirror, root: b64(root) } } });
}

/**
 * policy-controller TrustRoot with the keys inline (`sigstoreKeys`: PEM, base64 in YAML as Go's []byte); `allLogs`
 * keeps the Rekor v2 log's Ed25519 key too (what the suite shows breaks the legacy path).
 */
export function policyControllerTrustRoot(input: DocumentInput, options: { allLogs?: boolean } = {}): string {
  const ca = (c: TrustedRoot['certificateAuthorities'][number], fallback: string) => ({
    subject: { organization: c.subject?.organization ?? 'sigbox', commonName: c.subject?.commonName ?? fallback },
    uri: c.uri,
    certChain: b64(c.certChain.certificates.map((x) => pem('CERTIFICATE', x.rawBytes)).join('')),
  });
  const log = (l: TrustedRoot['tlogs'][number]) => ({ baseURL: l.baseUrl, hashAlgorithm: 'sha-256', publicKey: b64(pem('PUBLIC KEY', l.publicKey.rawBytes)) });
  return stringify({
    apiVersion: 'policy.sigstore.dev/v1alpha1',
    kind: 'TrustRoot',
    metadata: { name: TRUST_ROOT_NAME },
    spec: {
      sigstoreKeys: {
        certificateAuthorities: input.trustedRoot.certificateAuthorities.map((c) => ca(c, 'fulcio')),
        tLogs: (options.allLogs === true ? input.trustedRoot.tlogs : v1Logs(input.trustedRoot)).map(log),
        ctLogs: input.trustedRoot.ctlogs.map(log),
        timestampAuthorities: (input.trustedRoot.timestampAuthorities ?? []).map((c) => ca(c, 'tsa')),
      },
    },
  });
}

/**
 * policy-controller ClusterImagePolicy. `legacy`: `.sig`/`.att` with the TrustRoot's keys (and `ctlog` naming it,
 * or the log is not checked at all). `bundle`: bundle referrers; without `trustRootRef` its trust is the
 * controller's TUF (`--tuf-mirror`/`--tuf-root`, the tester's TUF_ROOT): with a TrustRoot the tester v0.14.0 cannot
 * verify any bundle (test/go/INTEGRATORS.md).
 */
export function policyControllerCip(input: DocumentInput, format: 'legacy' | 'bundle', options: { trustRootRef?: boolean } = {}): string {
  const trustRootRef = (options.trustRootRef ?? format === 'legacy') ? { trustRootRef: TRUST_ROOT_NAME } : {};
  return stringify({
    apiVersion: 'policy.sigstore.dev/v1alpha1',
    kind: 'ClusterImagePolicy',
    metadata: { name: `myorg-app-release-${format}` },
    spec: {
      images: [{ glob: input.imageGlob.replace(/\*$/, '**') }],
      authorities: [{
        name: 'myorg-app-release',
        ...(format === 'bundle' ? { signatureFormat: 'bundle' } : {}),
        keyless: { url: input.url, ...trustRootRef, identities: [{ issuer: input.issuer, subject: input.subject }] },
        ctlog: { url: input.url, ...trustRootRef },
        attestations: [{
          name: 'provenance',
          predicateType: input.predicateType,
          policy: { type: 'cue', data: cuePolicy(input) },
        }],
      }],
    },
  });
}

/** The attestation's condition as CUE, for policy-controller and `cosign verify-attestation --policy`. */
export function cuePolicy(input: DocumentInput): string {
  return `predicateType: ${JSON.stringify(input.predicateType)}\npredicate: buildType: ${JSON.stringify(input.buildType)}\n`;
}
