import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as peculiar from '@peculiar/x509';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { toolAvailable, vectorsDir } from '@sigbox/testkit';
import { unsignedCertificate } from './__fixtures__/unsigned-certificate.js';
import { type Der, encode, explicit, extension, oid, sequence, tlv, utf8String } from './der.js';
import { type GeneralName } from './general-names.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { readCertificate } from './read-certificate.js';

/**
 * Differential tests of the subjectAltName reader against OpenSSL (node:crypto, and the openssl command, which
 * also prints otherName values) and @peculiar/x509, on real Sigstore certificates, on generated ones and on
 * malformed encodings.
 */

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const gn = {
  email: (value: string) => tlv(0x81, latin1(value)),
  dns: (value: string) => tlv(0x82, latin1(value)),
  uri: (value: string) => tlv(0x86, latin1(value)),
  ip: (octets: number[]) => tlv(0x87, Uint8Array.from(octets)),
  otherName: (typeId: string, value: Der) => encode(explicit(0, oid(typeId), explicit(0, value))),
};
/** A certificate carrying one subjectAltName extension per extnValue given. */
const withSans = (...values: Uint8Array[]) => unsignedCertificate({ extensions: values.map((value) => extension(oid(OID.subjectAltName), false, value)) });
const names = (der: Uint8Array) => readCertificate(der).subjectAltNames();
/** The names @peculiar/x509 reads too: emails, DNS names and URIs. */
const isText = (name: GeneralName): name is Extract<GeneralName, { value: string }> => 'value' in name;

/** OpenSSL's IP text: dotted IPv4, eight uncompressed upper-case IPv6 groups. */
function openSslIp(octets: Uint8Array): string {
  if (octets.length === 4) return octets.join('.');
  return Array.from({ length: 8 }, (_, i) => (((octets[2 * i] as number) << 8) | (octets[2 * i + 1] as number)).toString(16).toUpperCase()).join(':');
}

/** How OpenSSL lists a name: node:crypto's `subjectAltName` and, with `otherNames`, the openssl command's. */
function openSslText(name: GeneralName, otherNames: boolean): string {
  switch (name.kind) {
    case 'dns':
      return `DNS:${name.value}`;
    case 'email':
      return `email:${name.value}`;
    case 'uri':
      return `URI:${name.value}`;
    case 'ip':
      return `IP Address:${openSslIp(name.octets)}`;
    case 'otherName':
      return otherNames ? `othername: ${name.typeId}::${name.utf8String}` : 'othername:<unsupported>';
    default:
      throw new Error(`no OpenSSL text for ${name.kind} in these tests`);
  }
}

/** The openssl command's subjectAltName line (it prints otherName values, node:crypto does not). */
function opensslCommandSans(der: Uint8Array): string {
  const result = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-ext', 'subjectAltName'], { input: der, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.split('\n')[1]?.trim() ?? '';
}

/** @peculiar/x509's reading of the names it knows, in the reader's terms. */
function peculiarNames(der: Uint8Array): Array<{ kind: string; value: string }> {
  const ext = new peculiar.X509Certificate(der).getExtension(peculiar.SubjectAlternativeNameExtension);
  const kinds: Record<string, string> = { email: 'email', dns: 'dns', url: 'uri' };
  return (ext?.names.toJSON() ?? []).flatMap((n) => (kinds[n.type] ? [{ kind: kinds[n.type] as string, value: n.value }] : []));
}

function expectReferencesAgree(der: Uint8Array): GeneralName[] {
  const ours = names(der);
  expect(ours.length).toBeGreaterThan(0);
  expect(new crypto.X509Certificate(der).subjectAltName).toBe(ours.map((n) => openSslText(n, false)).join(', '));
  expect(peculiarNames(der)).toEqual(ours.filter(isText));
  return ours;
}

const hasOpenssl = toolAvailable('openssl', 'compares otherName SANs with the openssl command');
const vectors = vectorsDir('sigstore');

describe.skipIf(!vectors)('subjectAltNames of real Sigstore certificates', () => {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(vectors as string, file), 'utf8'));
  const leaf = (file: string) => {
    const material = read(file).verificationMaterial;
    return encoding.fromBase64((material.certificate ?? material.x509CertificateChain.certificates[0]).rawBytes);
  };

  it('reads the Fulcio leaves as node:crypto, the openssl command and @peculiar/x509 do', () => {
    const email = leaf('bundle_v3.txt.sigstore');
    const workflow = leaf('bundle_v3_github.whl.sigstore');
    expect(expectReferencesAgree(email)).toEqual([{ kind: 'email', value: 'william@yossarian.net' }]);
    expect(expectReferencesAgree(workflow)).toEqual([{ kind: 'uri', value: 'https://github.com/trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2' }]);
    if (hasOpenssl) for (const der of [email, workflow]) expect(opensslCommandSans(der)).toBe(names(der).map((n) => openSslText(n, true)).join(', '));
  });

  it('never reads names from a corrupted leaf that OpenSSL or @peculiar/x509 cannot read, and reads the same names', () => {
    const leaves = [leaf('bundle_v3.txt.sigstore'), leaf('bundle_v3_github.whl.sigstore')];
    const mutant = fc.tuple(fc.constantFrom(...leaves), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([der, at, xor]) => {
      const copy = Uint8Array.from(der);
      copy[at % copy.length] = (copy[at % copy.length] as number) ^ xor;
      return copy;
    });
    let read = 0;
    fc.assert(
      fc.property(mutant, (der) => {
        let ours: GeneralName[];
        try {
          ours = names(der);
          new crypto.X509Certificate(der).publicKey; // a key OpenSSL cannot load refuses the certificate first
        } catch {
          return;
        }
        read += 1;
        const texts = ours.filter(isText);
        // IA5String is ASCII; readers decode other octets each their own way.
        if (texts.every((n) => /^[\x20-\x7e]*$/.test(n.value))) expect(peculiarNames(der)).toEqual(texts);
      }),
      { numRuns: 400 },
    );
    expect(read).toBeGreaterThan(200); // most corruptions hit signatures, keys and values, which no reader checks
  });

  it('finds no names in the Fulcio CA certificates, as node:crypto does not', () => {
    const certificates = ['production.trusted_root.json', 'staging.trusted_root.json'].flatMap((file) =>
      (read(file).certificateAuthorities as Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }>).flatMap((ca) => ca.certChain.certificates),
    );
    expect(certificates.length).toBeGreaterThanOrEqual(5);
    for (const { rawBytes } of certificates) {
      const der = encoding.fromBase64(rawBytes);
      expect(names(der)).toEqual([]);
      expect(new crypto.X509Certificate(der).subjectAltName).toBeUndefined();
    }
  });
});

describe('subjectAltNames of generated certificates', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const generalName = fc.oneof(
    fc.tuple(label, label).map(([user, host]) => gn.email(`${user}@${host}.example`)),
    label.map((host) => gn.dns(`${host}.example`)),
    fc.tuple(label, label).map(([host, p]) => gn.uri(`https://${host}.example/${p}`)),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((octets) => gn.ip([...octets])),
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((octets) => gn.ip([...octets])),
    label.map((user) => gn.otherName(FULCIO_OIDS.otherName, utf8String(user))),
    label.map((value) => gn.otherName('1.2.3.4.5', utf8String(value))),
  );
  const extnValue = fc.array(generalName, { minLength: 1, maxLength: 8 }).map((list) => encode(sequence(...list)));

  it('reads every name, in order, as node:crypto and @peculiar/x509 do', () => {
    fc.assert(
      fc.property(extnValue, (value) => {
        expect(expectReferencesAgree(withSans(value)).length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it.skipIf(!hasOpenssl)('reads otherName values as the openssl command prints them', () => {
    fc.assert(
      fc.property(extnValue, (value) => {
        const der = withSans(value);
        expect(opensslCommandSans(der)).toBe(names(der).map((n) => openSslText(n, true)).join(', '));
      }),
      { numRuns: 25 },
    );
  });

  it('reads every subjectAltName extension of a certificate that repeats it, where OpenSSL reads the first', () => {
    const der = withSans(encode(sequence(gn.email('a@x.example'))), encode(sequence(gn.uri('https://b.example'), gn.dns('c.example'))));
    expect(names(der)).toEqual([
      { kind: 'email', value: 'a@x.example' },
      { kind: 'uri', value: 'https://b.example' },
      { kind: 'dns', value: 'c.example' },
    ]);
    expect(new crypto.X509Certificate(der).subjectAltName).toBe('email:a@x.example');
  });

  it('reads the Fulcio username, a non-UTF8String value, and text byte for byte', () => {
    const der = withSans(encode(sequence(gn.otherName(FULCIO_OIDS.otherName, utf8String('octo')), gn.otherName('1.2.3', tlv(0x16, latin1('ia5'))), gn.email('é@x'))));
    expect(names(der)).toEqual([
      { kind: 'otherName', typeId: FULCIO_OIDS.otherName, utf8String: 'octo' },
      { kind: 'otherName', typeId: '1.2.3', utf8String: undefined },
      { kind: 'email', value: 'é@x' },
    ]);
    const broken = withSans(encode(sequence(gn.otherName(FULCIO_OIDS.otherName, tlv(0x0c, Uint8Array.of(0x61, 0xff))))));
    expect(names(broken)).toEqual([{ kind: 'otherName', typeId: FULCIO_OIDS.otherName, utf8String: 'a\uFFFD' }]);
  });

  it('recognises the choices it does not decode, checking their form', () => {
    const directoryName = tlv(0xa4, encode(sequence(tlv(0x31, encode(sequence(oid(OID.commonName), tlv(0x13, latin1('x'))))))));
    const ediPartyName = tlv(0xa5, tlv(0xa0, tlv(0x13, latin1('a'))), tlv(0xa1, tlv(0x0c, latin1('b'))));
    const der = withSans(encode(sequence(tlv(0xa3, encode(sequence())), directoryName, ediPartyName, tlv(0x88, Uint8Array.of(0x2a, 0x03)))));
    expect(names(der)).toEqual([{ kind: 'x400Address' }, { kind: 'directoryName' }, { kind: 'ediPartyName' }, { kind: 'registeredID', oid: '1.2.3' }]);
    expect(new crypto.X509Certificate(der).subjectAltName).toBe('X400Name:<unsupported>, DirName:CN=x, EdiPartyName:<unsupported>, Registered ID:1.2.3');
  });
});

describe('malformed subjectAltNames', () => {
  const F = FULCIO_OIDS.otherName;
  const utf8 = (text: string) => tlv(0x0c, latin1(text));
  const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
  /** Whether OpenSSL decodes the extension: node:crypto answers undefined for one it cannot. */
  const openSslReads = (der: Uint8Array) => new crypto.X509Certificate(der).subjectAltName !== undefined;
  const x509Reads = (der: Uint8Array) => {
    try {
      names(der);
      return true;
    } catch {
      return false;
    }
  };

  it.each<[string, Uint8Array, boolean]>([
    ['an empty extnValue', new Uint8Array(), false],
    ['a SET for the SEQUENCE', tlv(0x31, gn.email('a@x')), false],
    ['a context tag for the SEQUENCE', tlv(0xb0, gn.email('a@x')), false],
    ['a length past the end', Uint8Array.of(0x30, 9, ...gn.email('a@x')), false],
    ['a high tag number', seq(Uint8Array.of(0x9f, 0x1f, 1, 0x61)), false],
    ['GeneralName tag [9]', seq(tlv(0x89, latin1('zz'))), false],
    ['a primitive otherName', seq(tlv(0x80, latin1('zz'))), false],
    ['a primitive x400Address', seq(tlv(0x83, latin1('zz'))), false],
    ['a primitive directoryName', seq(tlv(0x84, latin1('zz'))), false],
    ['a constructed registeredID', seq(tlv(0xa8, tlv(0x06, Uint8Array.of(0x2a)))), false],
    ['a directoryName that is no Name', seq(tlv(0xa4, tlv(0x04))), false],
    ['an empty directoryName', seq(tlv(0xa4)), false],
    ['two Names in a directoryName', seq(tlv(0xa4, seq(), seq())), false],
    ['an attribute without a value', seq(tlv(0xa4, seq(tlv(0x31, seq(oid(OID.commonName)))))), false],
    ['an attribute with two values', seq(tlv(0xa4, seq(tlv(0x31, seq(oid(OID.commonName), utf8('x'), utf8('y')))))), false],
    ['an attribute type that is no OID', seq(tlv(0xa4, seq(tlv(0x31, seq(utf8('x'), utf8('x')))))), false],
    ['an ediPartyName in a SEQUENCE', seq(tlv(0xa5, seq(tlv(0xa1, utf8('x'))))), false],
    ['an ediPartyName of junk', seq(tlv(0xa5, tlv(0x04))), false],
    ['an empty registeredID', seq(tlv(0x88)), false],
    ['a registeredID with a padded arc', seq(tlv(0x88, Uint8Array.of(0x2a, 0x80, 0x03))), false],
    ['a truncated registeredID', seq(tlv(0x88, Uint8Array.of(0x2a, 0x83))), false],
    ['an otherName without a value', seq(tlv(0xa0, oid(F))), false],
    ['an otherName with an empty value', seq(tlv(0xa0, oid(F), tlv(0xa0))), false],
    ['an otherName type-id that is no OID', seq(tlv(0xa0, tlv(0x04, latin1('x')), tlv(0xa0, utf8('u')))), false],
    ['an otherName value tagged [1]', seq(tlv(0xa0, oid(F), tlv(0xa1, utf8('u')))), false],
    ['an otherName value tagged [0] but primitive', seq(tlv(0xa0, oid(F), tlv(0x80, utf8('u')))), false],
    ['an otherName value past its end', seq(tlv(0xa0, oid(F), tlv(0xa0, Uint8Array.of(0x0c, 5, 0x61)))), false],
    ['an empty otherName type-id', seq(tlv(0xa0, tlv(0x06), tlv(0xa0, utf8('u')))), false],
    ['an otherName type-id with a padded arc', seq(tlv(0xa0, tlv(0x06, Uint8Array.of(0x2b, 0x80, 6)), tlv(0xa0, utf8('u')))), false],
    ['a truncated otherName type-id', seq(tlv(0xa0, tlv(0x06, Uint8Array.of(0x2b, 0x86)), tlv(0xa0, utf8('u')))), false],
    ['bytes after the SEQUENCE', Uint8Array.of(...seq(gn.email('a@x')), 0x05, 0x00), true],
    ['an undecodable byte after the SEQUENCE', Uint8Array.of(...seq(gn.email('a@x')), 0x05), true],
    ['an empty SEQUENCE', seq(), true],
    ['an empty email', seq(gn.email('')), true],
    ['an IP address of 5 octets', seq(gn.ip([1, 2, 3, 4, 5])), true],
    ['an otherName with an IA5String', seq(gn.otherName(F, tlv(0x16, latin1('x')))), true],
    ['an otherName with a SEQUENCE', seq(gn.otherName(F, seq())), true],
    ['an empty SET in a directoryName', seq(tlv(0xa4, seq(tlv(0x31)))), true],
    ['an x400Address of junk', seq(tlv(0xa3, tlv(0x04))), true],
  ])('%s: read alike by OpenSSL and x509', (_, value, reads) => {
    const der = withSans(value);
    expect({ openssl: openSslReads(der), x509: x509Reads(der) }).toEqual({ openssl: reads, x509: reads });
  });

  it.each<[string, Uint8Array]>([
    ['a non-minimal length', Uint8Array.of(0x30, 0x81, 5, ...gn.email('a@x'))],
    ['an indefinite length', Uint8Array.of(0x30, 0x80, ...gn.email('a@x'), 0, 0)],
    ['a non-minimal length inside an otherName value', seq(tlv(0xa0, oid(F), tlv(0xa0, Uint8Array.of(0x0c, 0x81, 1, 0x61))))],
    ['a constructed rfc822Name', seq(tlv(0xa1, tlv(0x16, latin1('a@x'))))],
    ['a constructed dNSName', seq(tlv(0xa2, tlv(0x16, latin1('a'))))],
    ['a constructed URI', seq(tlv(0xa6, tlv(0x16, latin1('a'))))],
    ['a constructed iPAddress', seq(tlv(0xa7, tlv(0x04, Uint8Array.of(1, 2, 3, 4))))],
  ])('%s: BER that OpenSSL reads, refused as not DER (Go refuses it too)', (_, value) => {
    const der = withSans(value);
    expect({ openssl: openSslReads(der), x509: x509Reads(der) }).toEqual({ openssl: true, x509: false });
  });

  it('reads an otherName as sigstore does where OpenSSL refuses it: fields after the value, and values after the first, ignored', () => {
    const extraField = withSans(seq(tlv(0xa0, oid(F), tlv(0xa0, utf8('u')), tlv(0x05))));
    const twoValues = withSans(seq(tlv(0xa0, oid(F), tlv(0xa0, utf8('u'), utf8('v')))));
    for (const der of [extraField, twoValues]) {
      expect(openSslReads(der)).toBe(false);
      expect(names(der)).toEqual([{ kind: 'otherName', typeId: F, utf8String: 'u' }]);
    }
    expect(x509Reads(withSans(seq(tlv(0xa0, oid(F), tlv(0xa0, utf8('u')), Uint8Array.of(0x05)))))).toBe(false);
  });
});
