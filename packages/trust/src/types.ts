/**
 * The trust documents Sigstore clients read, as proto3 JSON: camelCase field names, bytes as standard base64,
 * timestamps as RFC 3339 strings, enums as their names.
 * @see https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_trustroot.proto
 * @see https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_common.proto
 */

/** sigstore-go accepts only this exact string (`TrustedRootMediaType01`), although the spec prefers 0.2. */
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
/** sigstore-go `SigningConfigMediaType02`, sigstore-python `SigningConfigType`. */
export const SIGNING_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';
/** sigstore-python `--trust-config`, scaffolding's `trust_config.json`. */
export const CLIENT_TRUST_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json';

/** common.v1.PublicKeyDetails values Sigbox keys can have. */
export type PublicKeyDetails =
  | 'PKIX_ECDSA_P256_SHA_256'
  | 'PKIX_ECDSA_P384_SHA_384'
  | 'PKIX_ECDSA_P521_SHA_512'
  | 'PKIX_ED25519'
  | 'PKIX_RSA_PKCS1V15_2048_SHA256'
  | 'PKIX_RSA_PKCS1V15_3072_SHA256'
  | 'PKIX_RSA_PKCS1V15_4096_SHA256';

/** common.v1.TimeRange: `end` absent means still valid. */
export interface TimeRange {
  start: string;
  end?: string;
}

/** common.v1.PublicKey. */
export interface PublicKey {
  rawBytes: string;
  keyDetails: PublicKeyDetails;
  validFor: TimeRange;
}

/** trustroot.v1.TransparencyLogInstance, used for both `tlogs` and `ctlogs`. */
export interface TransparencyLogInstance {
  baseUrl: string;
  hashAlgorithm: 'SHA2_256';
  publicKey: PublicKey;
  logId: { keyId: string };
}

/** common.v1.DistinguishedName. */
export interface DistinguishedName {
  organization: string;
  commonName: string;
}

/** trustroot.v1.CertificateAuthority, used for both `certificateAuthorities` and `timestampAuthorities`. */
export interface CertificateAuthority {
  subject: DistinguishedName;
  uri: string;
  certChain: { certificates: Array<{ rawBytes: string }> };
  validFor: TimeRange;
}

/** trustroot.v1.TrustedRoot. */
export interface TrustedRoot {
  mediaType: typeof TRUSTED_ROOT_MEDIA_TYPE;
  tlogs: TransparencyLogInstance[];
  certificateAuthorities: CertificateAuthority[];
  ctlogs: TransparencyLogInstance[];
  timestampAuthorities: CertificateAuthority[];
}

/** trustroot.v1.Service. */
export interface Service {
  url: string;
  majorApiVersion: number;
  validFor: TimeRange;
  operator: string;
}

/** trustroot.v1.ServiceSelector; sigstore-js supports only `ANY` for tlogs and TSAs. */
export type ServiceSelector = 'ALL' | 'ANY' | 'EXACT';

/** trustroot.v1.ServiceConfiguration (`count` only for `EXACT`). */
export interface ServiceConfiguration {
  selector: ServiceSelector;
  count?: number;
}

/** trustroot.v1.SigningConfig at media type v0.2. */
export interface SigningConfig {
  mediaType: typeof SIGNING_CONFIG_MEDIA_TYPE;
  caUrls: Service[];
  oidcUrls: Service[];
  rekorTlogUrls: Service[];
  rekorTlogConfig: ServiceConfiguration;
  tsaUrls: Service[];
  /** Absent when `tsaUrls` is empty (see buildSigningConfig). */
  tsaConfig?: ServiceConfiguration;
}

/** trustroot.v1.ClientTrustConfig: one file carrying both documents. */
export interface ClientTrustConfig {
  mediaType: typeof CLIENT_TRUST_CONFIG_MEDIA_TYPE;
  trustedRoot: TrustedRoot;
  signingConfig: SigningConfig;
}
