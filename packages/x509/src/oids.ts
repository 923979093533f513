/**
 * Fulcio's certificate extension OIDs, arc 1.3.6.1.4.1.57264.1 (fulcio pkg/certificate/extensions.go and
 * docs/oid-info.md; 1.23 since v1.8.0, 1.24 since v1.8.6 #2307). 1.1–1.6 carry raw UTF-8 (a legacy encoding
 * error kept for old verifiers); 1.8 and later carry a DER UTF8String. 1.7 is not an extension: it is the
 * otherName type-id of `username` SANs.
 */
export const FULCIO_OIDS = {
  issuer: '1.3.6.1.4.1.57264.1.1', // deprecated, raw; use issuerV2
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2', // deprecated, raw
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3', // deprecated, raw
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4', // deprecated, raw
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5', // deprecated, raw
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6', // deprecated, raw
  otherName: '1.3.6.1.4.1.57264.1.7', // SAN otherName type-id, not an extension
  issuerV2: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
  tokenSubject: '1.3.6.1.4.1.57264.1.24',
} as const;

export type FulcioOidName = keyof typeof FULCIO_OIDS;

/** The Fulcio arc; the arc number after it decides the value encoding. */
export const FULCIO_ARC = '1.3.6.1.4.1.57264.1';
/** Last arc number whose value is raw UTF-8 rather than a DER UTF8String. */
export const FULCIO_LAST_RAW_ARC = 6;

/** Standard OIDs the profile uses and reads (RFC 5280 §4.2.1, RFC 6962 §3.1, RFC 5758 §3.2, RFC 8410 §3, RFC 4055, RFC 5480 §2.1.1). */
export const OID = {
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  anyExtendedKeyUsage: '2.5.29.37.0',
  ctPoison: '1.3.6.1.4.1.11129.2.4.3',
  ctSctList: '1.3.6.1.4.1.11129.2.4.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ed25519: '1.3.101.112',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;
