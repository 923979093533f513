import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Signer, createEphemeralSigner } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { peculiar } from './__fixtures__/peculiar.js';
import { parseCertificate, removeExtension } from './certificate.js';
import { readWhole } from './der-reader.js';
import { type CertificateIdentity } from './identity.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_ARC, FULCIO_LAST_RAW_ARC, OID } from './oids.js';

const dir = vectorsDir('sigstore');

interface Fixture {
  leaf: Uint8Array;
  intermediate: Uint8Array;
}

function load(base: string): Fixture {
  const bundle = JSON.parse(fs.readFileSync(path.join(base, 'bundle_v3_github.whl.sigstore'), 'utf8'));
  const material = bundle.verificationMaterial;
  const leaf = material.certificate?.rawBytes ?? material.x509CertificateChain.certificates[0].rawBytes;
  const root = JSON.parse(fs.readFileSync(path.join(base, 'production.trusted_root.json'), 'utf8'));
  const intermediate = root.certificateAuthorities
    .flatMap((ca: { certChain: { certificates: Array<{ rawBytes: string }> } }) => ca.certChain.certificates)
    .map((c: { rawBytes: string }) => Buffer.from(c.rawBytes, 'base64'))
    .find((der: Buffer) => new crypto.X509Certificate(der).subject.includes('sigstore-intermediate'));
  return { leaf: Buffer.from(leaf, 'base64'), intermediate };
}

/** The claims of the real certificate, read with @peculiar/x509 rather than this package's parser. */
function claimsOf(leafDer: Uint8Array): { identity: CertificateIdentity; sctList: Uint8Array } {
  const cert = new peculiar.X509Certificate(leafDer);
  const san = cert.getExtension(peculiar.SubjectAlternativeNameExtension)?.names.items[0];
  const extensions: CertificateIdentity['extensions'] = [];
  let sctList = new Uint8Array();
  for (const ext of cert.extensions) {
    const value = new Uint8Array(ext.value);
    if (ext.type === OID.ctSctList) sctList = value.subarray(readWhole(value, 0x04).contentStart);
    if (!ext.type.startsWith(`${FULCIO_ARC}.`)) continue;
    const arc = Number(ext.type.split('.').at(-1));
    // 1.1–1.6 hold raw UTF-8; later arcs a DER UTF8String (tag 0x0c) to unwrap.
    const text = arc <= FULCIO_LAST_RAW_ARC ? value : value.subarray(readWhole(value, 0x0c).contentStart);
    extensions.push({ oid: ext.type, value: Buffer.from(text).toString('utf8') });
  }
  if (san?.type !== 'url') throw new Error('expected a URI SAN');
  return { identity: { san: { kind: 'uri', value: san.value }, extensions }, sctList };
}

/**
 * Stands in for the sigstore intermediate's HSM: it reports the real intermediate key (so the issuer accepts the
 * real certificate) but signs with a throwaway P-384 key. Signatures are therefore not comparable; the TBS is.
 */
function intermediateLookalike(intermediateDer: Uint8Array): Signer {
  const stand = createEphemeralSigner('ecdsa-p384');
  return { algorithm: 'ecdsa-p384', publicKey: new crypto.X509Certificate(intermediateDer).publicKey, sign: stand.sign };
}

describe.skipIf(!dir)('Fulcio profile against a real sigstore.dev certificate', () => {
  it('rebuilds the real leaf TBS byte for byte from its claims, minus the subjectKeyIdentifier', async () => {
    const { leaf, intermediate } = load(dir as string);
    const real = parseCertificate(leaf);
    const { identity, sctList } = claimsOf(leaf);
    const notBefore = new peculiar.X509Certificate(leaf).notBefore;
    const leafs = createLeafIssuer({ issuerCertDer: intermediate, signer: intermediateLookalike(intermediate) });
    const ours = await leafs.issue({ publicKeySpki: real.spki, identity, notBefore, serial: real.serial, sctList });
    const mine = parseCertificate(ours.der);

    // Same extension list, OID by OID (criticality and value bytes), except the SKI Fulcio ≤ v1.8.8 still adds:
    // fulcio main no longer emits it (#2416) and nothing verifies it, so Sigbox leaves it out.
    const expected = real.extensions.filter((e) => e.oid !== OID.subjectKeyIdentifier);
    expect(real.extensions.length - expected.length).toBe(1);
    expect(mine.extensions.map((e) => e.oid)).toEqual(expected.map((e) => e.oid));
    mine.extensions.forEach((ext, i) => {
      expect({ oid: ext.oid, critical: ext.critical, value: Buffer.from(ext.value).toString('hex') }).toEqual({
        oid: expected[i]?.oid,
        critical: expected[i]?.critical,
        value: Buffer.from(expected[i]?.value ?? []).toString('hex'),
      });
    });
    expect(mine.signatureAlgorithm).toBe(OID.ecdsaWithSha384);
    // Version, serial, algorithm, issuer Name bytes, validity (UTCTime), empty subject, SPKI: all identical.
    expect(Buffer.from(ours.tbs).toString('hex')).toBe(Buffer.from(removeExtension(real.tbs, OID.subjectKeyIdentifier)).toString('hex'));
  });
});
