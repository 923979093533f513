import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encoding, parsePublicKey, sha256 } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { OID, decodeSctList, parseCertificate, removeExtension } from '@sigbox/x509';
import { decodeSct, encodeSct, verifySct } from './sct.js';

interface TrustedRoot {
  ctlogs: Array<{ logId: { keyId: string }; publicKey: { rawBytes: string } }>;
  certificateAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }>;
}
interface Bundle {
  verificationMaterial: { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: Array<{ rawBytes: string }> } };
}

const dir = vectorsDir('sigstore');
const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir as string, name), 'utf8')) as T;

/** The extnValue of the SCT list extension is a DER OCTET STRING around the TLS list (RFC 6962 §3.3). */
function unwrapOctetString(der: Uint8Array): Uint8Array {
  expect(der[0]).toBe(0x04);
  const first = der[1] as number;
  const header = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return der.subarray(header);
}

const cases = [
  ['bundle_v3.txt.sigstore', 'staging.trusted_root.json'],
  ['bundle_v3_github.whl.sigstore', 'production.trusted_root.json'],
] as const;

/**
 * Real Fulcio certificates with SCTs from the public CT logs: our decoder and our signed-data encoder must
 * reproduce exactly what those logs signed, or the signature would not verify.
 */
/** Everything a verifier needs from one bundle and its trusted root. */
function load(bundleFile: string, rootFile: string) {
  const bundle = read<Bundle>(bundleFile);
  const root = read<TrustedRoot>(rootFile);
  const material = bundle.verificationMaterial;
  const leafDer = encoding.fromBase64((material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes) as string);
  const leaf = parseCertificate(leafDer);
  const sctExtension = leaf.extensions.find((e) => e.oid === OID.ctSctList);
  const [serialized] = decodeSctList(unwrapOctetString(sctExtension?.value as Uint8Array));
  const sct = decodeSct(serialized as Uint8Array);
  const ctlog = root.ctlogs.find((l) => l.logId.keyId === encoding.toBase64(sct.logId));
  const leafX509 = new crypto.X509Certificate(leafDer);
  const issuerDer = root.certificateAuthorities
    .flatMap((ca) => ca.certChain.certificates.map((c) => encoding.fromBase64(c.rawBytes)))
    .find((der) => {
      const x = new crypto.X509Certificate(der);
      return leafX509.checkIssued(x) && leafX509.verify(x.publicKey);
    });
  const entry = () => ({
    type: 'precert' as const,
    issuerKeyHash: sha256(parseCertificate(issuerDer as Uint8Array).spki),
    tbsCertificate: removeExtension(leaf.tbs, OID.ctSctList),
  });
  return { serialized: serialized as Uint8Array, sct, ctlog, issuerDer, entry };
}

/**
 * Real Fulcio certificates with SCTs from the public CT logs: our decoder and our signed-data encoder must
 * reproduce exactly what those logs signed, or the signature would not verify.
 */
describe.skipIf(!dir).each(cases)('embedded SCT of %s', (bundleFile, rootFile) => {
  it('decodes to a v1 SCT from a log of the trusted root and re-encodes byte for byte', () => {
    const { serialized, sct, ctlog, issuerDer } = load(bundleFile, rootFile);
    expect(ctlog).toBeDefined();
    expect(issuerDer).toBeDefined();
    expect(sct.signature).toMatchObject({ hashAlgorithm: 4, signatureAlgorithm: 3 });
    expect(encoding.toHex(encodeSct(sct))).toBe(encoding.toHex(serialized));
  });

  it("verifies with the log's key over our rebuilt precert signed data", () => {
    const { sct, ctlog, entry } = load(bundleFile, rootFile);
    const key = parsePublicKey(encoding.fromBase64(ctlog?.publicKey.rawBytes as string));
    expect(verifySct(key, sct, { entry: entry() })).toBe(true);
    const tampered = entry();
    tampered.tbsCertificate = Uint8Array.of(...tampered.tbsCertificate.subarray(0, -1), (tampered.tbsCertificate.at(-1) ?? 0) ^ 1);
    expect(verifySct(key, sct, { entry: tampered })).toBe(false);
    expect(verifySct(key, { ...sct, timestamp: sct.timestamp - 1 }, { entry: entry() })).toBe(false);
  });
});
