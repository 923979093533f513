/** OIDs of the TSA profile (RFC 3161, RFC 5816, RFC 5035, RFC 5280) and sigstore's policy arc. */
export const OID = {
  /** sigstore/timestamp-authority's `--default-policy-oid` default (cmd/timestamp-server/app/flags). */
  sigstorePolicy: '1.3.6.1.4.1.57264.2',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ed25519: '1.3.101.112',
  extKeyUsage: '2.5.29.37',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** The digests a request may name and their lengths: upstream accepts exactly these (pkg/verification/verify_request.go). */
export const HASHES: Readonly<Record<HashName, { oid: string; length: number }>> = {
  sha256: { oid: OID.sha256, length: 32 },
  sha384: { oid: OID.sha384, length: 48 },
  sha512: { oid: OID.sha512, length: 64 },
};

export function hashByOid(oid: string): HashName | undefined {
  return (Object.keys(HASHES) as HashName[]).find((name) => HASHES[name].oid === oid);
}
