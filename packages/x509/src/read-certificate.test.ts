import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as peculiar from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { encoding, spkiDer } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { unsignedCertificate } from './__fixtures__/unsigned-certificate.js';
import { parseCertificate } from './certificate.js';
import { extension, oid, sequence, tlv } from './der.js';
import { X509Error } from './error.js';
import { OID } from './oids.js';
import { type Certificate, readCertificate } from './read-certificate.js';

const vectors = vectorsDir('sigstore');

describe.skipIf(!vectors)('readCertificate on a real Fulcio chain', () => {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(vectors as string, file), 'utf8'));
  const leafDer = encoding.fromBase64(read('bundle_v3_github.whl.sigstore').verificationMaterial.x509CertificateChain.certificates[0].rawBytes);
  const [intermediateDer, rootDer] = (read('production.trusted_root.json').certificateAuthorities.at(-1).certChain.certificates as Array<{ rawBytes: string }>).map((c) =>
    encoding.fromBase64(c.rawBytes),
  ) as [Uint8Array, Uint8Array];
  const [leaf, intermediate, root] = [leafDer, intermediateDer, rootDer].map(readCertificate) as [Certificate, Certificate, Certificate];

  it('reads validity, CA flag and key as node:crypto and @peculiar/x509 do', () => {
    for (const cert of [leaf, intermediate, root]) {
      const node = new crypto.X509Certificate(cert.der);
      const other = new peculiar.X509Certificate(cert.der);
      expect(cert.notBefore).toEqual(node.validFromDate);
      expect(cert.notBefore).toEqual(other.notBefore);
      expect(cert.notAfter).toEqual(other.notAfter);
      expect(cert.isCa).toBe(node.ca);
      expect(spkiDer(cert.publicKey)).toEqual(parseCertificate(cert.der).spki);
      expect(cert.subjectPublicKeyInfo).toEqual(spkiDer(cert.publicKey));
    }
    expect([leaf, intermediate, root].map((c) => c.isCa)).toEqual([false, true, true]);
  });

  it('tells which certificate issued which: named as the issuer and signed with its key', () => {
    expect(leaf.isIssuedBy(intermediate)).toBe(true);
    expect(intermediate.isIssuedBy(root)).toBe(true);
    expect(root.isIssuedBy(root)).toBe(true);
    expect(leaf.isIssuedBy(root)).toBe(false);
    expect(intermediate.isIssuedBy(leaf)).toBe(false);
    // The intermediate's name on a leaf it did not sign.
    const forged = readCertificate(unsignedCertificate({ extensions: [extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x02, 0x07, 0x80))], issuer: parseCertificate(intermediateDer).subject }));
    expect(forged.isIssuedBy(intermediate)).toBe(false);
  });

  it('asks for an issuer read by readCertificate', () => {
    const lookalike: Certificate = { ...intermediate, isIssuedBy: () => true, subjectAltNames: () => [] };
    expect(() => leaf.isIssuedBy(lookalike)).toThrow(TypeError);
  });
});

describe('readCertificate', () => {
  it('hands over the subjectPublicKeyInfo as it sits in the certificate, without a KeyObject', () => {
    for (const key of [crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, crypto.generateKeyPairSync('ed25519').publicKey]) {
      const spki = spkiDer(key);
      const cert = readCertificate(unsignedCertificate({ extensions: [], spki }));
      expect(cert.subjectPublicKeyInfo).toEqual(spki);
      expect(spkiDer(cert.publicKey)).toEqual(spki);
    }
  });

  it('refuses what OpenSSL cannot parse, with its error as cause', () => {
    for (const der of [Uint8Array.of(1, 2, 3), Uint8Array.of(0x30, 0x00), unsignedCertificate({ extensions: [] }).subarray(0, 100)]) {
      const failure = (() => {
        try {
          readCertificate(der);
        } catch (err) {
          return err;
        }
      })();
      expect(failure).toBeInstanceOf(X509Error);
      expect(failure).toMatchObject({ code: 'INVALID_CERTIFICATE' });
      expect((failure as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('reads the names only when asked, so a certificate OpenSSL parses opens whatever its extensions hold', () => {
    const der = unsignedCertificate({ extensions: [extension(oid(OID.keyUsage), true, Uint8Array.of(0x04, 0x00)), extension(oid(OID.subjectAltName), false, sequence(tlv(0x81, Buffer.from('a@example.com'))))] });
    const cert = readCertificate(der);
    expect(cert.der).toBe(der);
    expect(() => cert.subjectAltNames()).toThrow(X509Error);
  });
});
