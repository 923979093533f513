/**
 * What an image in the test registry carries, read without verifying anything: the certificate of its signature and
 * the in-toto statements of its attestations, from cosign's legacy tags (`.sig` annotation, `.att` DSSE layer) or
 * from its Sigstore bundle referrers. The suite feeds them to @sigbox/policy's `evaluate` to compare the policy's own
 * verdict with the integrators' (which DO verify).
 */
import { X509Certificate } from 'node:crypto';
import { artifactLayer, legacySignature, referrers } from './oci-registry.js';

/** cosign v3 signs an image as an in-toto statement with this predicate (cmd/cosign/cli/sign/sign.go at v3.1.2). */
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** The signing certificate's annotation on a legacy `.sig` layer (cosign pkg/oci/static). */
const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';

export interface Statement {
  predicateType: string;
  predicate?: unknown;
}

export interface ImageSignatures {
  /** DER of the signature's certificate; undefined when the image has no signature. */
  certificate: Uint8Array | undefined;
  attestations: Statement[];
}

interface DsseEnvelope { payload: string; payloadType: string }
interface BundleJson { dsseEnvelope?: DsseEnvelope; verificationMaterial: { certificate?: { rawBytes: string } } }

const statementOf = (envelope: DsseEnvelope) => JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as Statement;

/** The legacy tags' signature and attestations, or the bundles', whichever the image has. */
export async function imageSignatures(host: string, repository: string, digest: string): Promise<ImageSignatures> {
  const bundles = (await Promise.all((await referrers(host, repository, digest)).map((r) => artifactLayer(host, repository, r.digest)))) as BundleJson[];
  if (bundles.length > 0) {
    const statements = bundles.map((b) => ({ bundle: b, statement: b.dsseEnvelope === undefined ? undefined : statementOf(b.dsseEnvelope) }));
    const signature = statements.find((s) => s.statement?.predicateType === COSIGN_SIGN_PREDICATE)?.bundle.verificationMaterial.certificate?.rawBytes;
    return {
      certificate: signature === undefined ? undefined : Buffer.from(signature, 'base64'),
      attestations: statements.flatMap((s) => (s.statement === undefined || s.statement.predicateType === COSIGN_SIGN_PREDICATE ? [] : [s.statement])),
    };
  }
  const tag = digest.replace(':', '-');
  const sig = await legacySignature(host, repository, digest).catch(() => undefined);
  const pem = sig?.annotations[CERTIFICATE_ANNOTATION];
  // The `.att` tag's layer is the DSSE envelope itself (cosign pkg/oci/static: application/vnd.dsse.envelope.v1+json).
  const att = (await artifactLayer(host, repository, `${tag}.att`).catch(() => undefined)) as DsseEnvelope | undefined;
  return { certificate: pem === undefined ? undefined : new X509Certificate(pem).raw, attestations: att === undefined ? [] : [statementOf(att)] };
}
