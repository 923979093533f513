import { TRUSTED_ROOT_MEDIA_TYPE, type CertificateAuthority, type TransparencyLogInstance, type TrustedRoot } from './types.js';

/** The entries each mounted service contributes; absent lists are emitted empty. */
export interface TrustedRootParts {
  tlogs?: TransparencyLogInstance[];
  certificateAuthorities?: CertificateAuthority[];
  ctlogs?: TransparencyLogInstance[];
  timestampAuthorities?: CertificateAuthority[];
}

/**
 * Assembles `trusted_root.json`. Media type 0.1 because sigstore-go accepts nothing else; all four arrays are
 * always present so a root with, say, no TSA still has the shape every client parses. Retired keys stay in
 * the lists (with `validFor.end`) so old signatures keep verifying.
 *
 * @example
 * buildTrustedRoot({ tlogs: [transparencyLogInstance(…)], certificateAuthorities: [certificateAuthority(…)] })
 */
export function buildTrustedRoot(parts: TrustedRootParts): TrustedRoot {
  return {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [...(parts.tlogs ?? [])],
    certificateAuthorities: [...(parts.certificateAuthorities ?? [])],
    ctlogs: [...(parts.ctlogs ?? [])],
    timestampAuthorities: [...(parts.timestampAuthorities ?? [])],
  };
}
