import { fromBase64, fromUtf8, pemBlocks, toHex } from './bytes.js';

/** A key or certificate that verified an entry's signature. */
export interface EntryVerifier {
  readonly kind: 'certificate' | 'publicKey';
  readonly der: Uint8Array;
}

/** What the explorer reads out of an entry body (the canonical leaf). */
export interface EntryContent {
  readonly kind: string;
  readonly apiVersion: string;
  /** The artifact's (hashedrekord) or payload's (dsse, intoto) digest. */
  readonly digest: { readonly algorithm: string; readonly hex: string } | undefined;
  readonly verifiers: readonly EntryVerifier[];
  /** The body as JSON text, pretty-printed for copying. */
  readonly pretty: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** protobuf-specs HashAlgorithm names → the short names v1 uses. */
const V2_ALGORITHMS: Readonly<Record<string, string>> = { SHA2_256: 'sha256', SHA2_384: 'sha384', SHA2_512: 'sha512' };

function pemVerifiers(pemBase64: string): EntryVerifier[] {
  if (pemBase64 === '') return [];
  return pemBlocks(fromUtf8(fromBase64(pemBase64))).slice(0, 1).map((b) => ({ kind: b.type === 'CERTIFICATE' ? 'certificate' : 'publicKey', der: b.der }));
}

function v2Verifier(v: unknown): EntryVerifier[] {
  const verifier = obj(v);
  const cert = str(obj(verifier.x509Certificate).rawBytes);
  if (cert !== '') return [{ kind: 'certificate', der: fromBase64(cert) }];
  const key = str(obj(verifier.publicKey).rawBytes);
  return key === '' ? [] : [{ kind: 'publicKey', der: fromBase64(key) }];
}

const v1Digest = (hash: unknown) => {
  const h = obj(hash);
  return str(h.value) === '' ? undefined : { algorithm: str(h.algorithm), hex: str(h.value).toLowerCase() };
};
const v2Digest = (hash: unknown) => {
  const h = obj(hash);
  return str(h.digest) === '' ? undefined : { algorithm: V2_ALGORITHMS[str(h.algorithm)] ?? str(h.algorithm), hex: toHex(fromBase64(str(h.digest))) };
};

/**
 * Reads the kinds both logs take: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2 (rekor pkg/types) and hashedrekord
 * and dsse 0.0.2 (rekor-tiles). Anything else is shown raw, with its kind.
 */
export function readEntryBody(bodyBase64: string): EntryContent {
  const text = fromUtf8(fromBase64(bodyBase64));
  let json: Json = {};
  try {
    json = obj(JSON.parse(text));
  } catch {
    return { kind: '(not JSON)', apiVersion: '', digest: undefined, verifiers: [], pretty: text };
  }
  const kind = str(json.kind);
  const apiVersion = str(json.apiVersion);
  const spec = obj(json.spec);
  const pretty = JSON.stringify(json, null, 2);
  if (kind === 'hashedrekord' && apiVersion === '0.0.1') {
    return { kind, apiVersion, digest: v1Digest(obj(spec.data).hash), verifiers: pemVerifiers(str(obj(obj(spec.signature).publicKey).content)), pretty };
  }
  if (kind === 'dsse' && apiVersion === '0.0.1') {
    const sigs = Array.isArray(spec.signatures) ? spec.signatures : [];
    return { kind, apiVersion, digest: v1Digest(spec.payloadHash), verifiers: sigs.flatMap((s) => pemVerifiers(str(obj(s).verifier))), pretty };
  }
  if (kind === 'intoto') {
    const content = obj(spec.content);
    const sigs = obj(content.envelope).signatures;
    return { kind, apiVersion, digest: v1Digest(content.payloadHash), verifiers: (Array.isArray(sigs) ? sigs : []).flatMap((s) => pemVerifiers(str(obj(s).publicKey))), pretty };
  }
  if (kind === 'hashedrekord' && apiVersion === '0.0.2') {
    const v = obj(spec.hashedRekordV002);
    return { kind, apiVersion, digest: v2Digest(v.data), verifiers: v2Verifier(obj(v.signature).verifier), pretty };
  }
  if (kind === 'dsse' && apiVersion === '0.0.2') {
    const v = obj(spec.dsseV002);
    const sigs = Array.isArray(v.signatures) ? v.signatures : [];
    return { kind, apiVersion, digest: v2Digest(v.payloadHash), verifiers: sigs.flatMap((s) => v2Verifier(obj(s).verifier)), pretty };
  }
  return { kind: kind || '(unknown)', apiVersion, digest: undefined, verifiers: [], pretty };
}
