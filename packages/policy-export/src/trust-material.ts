import { bytesEqual, encoding, sha256, toPem } from '@sigbox/core';
import { ExportError } from './error.js';

/**
 * The parts of an instance's trusted_root.json (sigstore protobuf-specs TrustedRoot, protobuf JSON) the exports
 * need, as PEM, plus the raw entries for policy-controller's re-encoding. Validated here so exporters can trust it.
 */
export interface TrustMaterial {
  readonly json: unknown;
  /**
   * Every certificate of every CURRENT CA chain (no `validFor.end`), leaf-most first per chain: Kyverno `roots` takes
   * them as one pool without validity windows, so a retired CA would otherwise be trusted for new certificates.
   */
  readonly caPem: string;
  /** How many CAs were left out of `caPem` as retired. */
  readonly retiredCas: number;
  readonly certificateAuthorities: readonly Authority[];
  readonly timestampAuthorities: readonly Authority[];
  readonly tlogs: readonly LogKey[];
  readonly ctlogs: readonly LogKey[];
  /** The current Rekor v1 key (logId = SHA-256 of the SPKI, as Rekor v1 and CT logs derive it); undefined if none. */
  readonly rekorV1: LogKey | undefined;
  readonly ctlog: LogKey | undefined;
}

export interface Authority {
  readonly organization: string;
  readonly commonName: string;
  readonly uri: string;
  readonly chainPem: string;
  readonly ended: boolean;
}

export interface LogKey {
  readonly baseUrl: string;
  readonly hashAlgorithm: string;
  readonly pem: string;
  /** SHA-256(SPKI) = logId: Rekor v1 and CT. Rekor v2 logs (checkpoint key IDs) are false. */
  readonly v1: boolean;
  readonly ended: boolean;
}

const bad = (what: string): never => {
  throw new ExportError('INVALID_TRUST_MATERIAL', `trusted_root.json: ${what}`);
};

const obj = (v: unknown, what: string): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(`${what} is not an object`);
const str = (v: unknown, what: string): string => (typeof v === 'string' && v !== '' ? v : bad(`${what} is not a string`));
const arr = (v: unknown, what: string): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : bad(`${what} is not a list`));
const b64 = (v: unknown, what: string): Uint8Array => {
  const s = str(v, what);
  if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(s)) bad(`${what} is not base64`);
  return encoding.fromBase64(s);
};
const ended = (v: unknown): boolean => v !== undefined && obj(v, 'validFor').end !== undefined;

function logKey(v: unknown, what: string): LogKey {
  const o = obj(v, what);
  const key = obj(o.publicKey, `${what}.publicKey`);
  const spki = b64(key.rawBytes, `${what}.publicKey.rawBytes`);
  const keyId = o.logId === undefined ? undefined : b64(obj(o.logId, `${what}.logId`).keyId, `${what}.logId.keyId`);
  return {
    baseUrl: str(o.baseUrl, `${what}.baseUrl`),
    hashAlgorithm: str(o.hashAlgorithm, `${what}.hashAlgorithm`),
    pem: toPem('PUBLIC KEY', spki),
    v1: keyId !== undefined && bytesEqual(keyId, sha256(spki)),
    ended: ended(key.validFor),
  };
}

function authority(v: unknown, what: string): Authority {
  const o = obj(v, what);
  const subject = obj(o.subject ?? {}, `${what}.subject`);
  const certs = arr(obj(o.certChain, `${what}.certChain`).certificates, `${what}.certChain.certificates`);
  if (certs.length === 0) bad(`${what} has no certificates`);
  return {
    organization: typeof subject.organization === 'string' ? subject.organization : '',
    commonName: typeof subject.commonName === 'string' ? subject.commonName : '',
    uri: typeof o.uri === 'string' ? o.uri : '',
    chainPem: certs.map((c, i) => toPem('CERTIFICATE', b64(obj(c, `${what}.certificates[${i}]`).rawBytes, `${what}.certificates[${i}].rawBytes`))).join(''),
    ended: ended(o.validFor),
  };
}

export function readTrustMaterial(json: unknown): TrustMaterial {
  const root = obj(json, 'the document');
  if (typeof root.mediaType !== 'string' || !root.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot+json')) {
    bad('mediaType is not application/vnd.dev.sigstore.trustedroot+json');
  }
  const certificateAuthorities = arr(root.certificateAuthorities, 'certificateAuthorities').map((c, i) => authority(c, `certificateAuthorities[${i}]`));
  if (!certificateAuthorities.some((c) => !c.ended)) bad('no current certificateAuthority: keyless verification needs the CA');
  const tlogs = arr(root.tlogs, 'tlogs').map((t, i) => logKey(t, `tlogs[${i}]`));
  const ctlogs = arr(root.ctlogs, 'ctlogs').map((t, i) => logKey(t, `ctlogs[${i}]`));
  const timestampAuthorities = arr(root.timestampAuthorities, 'timestampAuthorities').map((c, i) => authority(c, `timestampAuthorities[${i}]`));
  const current = (logs: readonly LogKey[]): LogKey | undefined => logs.find((l) => l.v1 && !l.ended) ?? logs.find((l) => l.v1);
  return {
    json,
    caPem: certificateAuthorities.filter((c) => !c.ended).map((c) => c.chainPem).join(''),
    retiredCas: certificateAuthorities.filter((c) => c.ended).length,
    certificateAuthorities,
    timestampAuthorities,
    tlogs,
    ctlogs,
    rekorV1: current(tlogs),
    ctlog: current(ctlogs),
  };
}

/** The Rekor v1 URL a trusted root names (its current v1 tlog's baseUrl): the box's URL when only files are given. */
export function rekorUrlOf(trustedRoot: unknown): string {
  const url = readTrustMaterial(trustedRoot).rekorV1?.baseUrl;
  if (url === undefined) throw new ExportError('INVALID_TRUST_MATERIAL', 'trusted_root.json: no Rekor v1 log (logId = SHA-256 of its key)');
  return url;
}
