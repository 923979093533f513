import { X509Error } from './error.js';
import { type Element, children, content, decodeOid, readElement } from './der-reader.js';
import { type CertificateParts } from './certificate.js';
import { TAG } from './der.js';
import { OID } from './oids.js';

/**
 * One GeneralName (RFC 5280 §4.2.1.6). The choices Sigstore reads carry their value: an IA5String one character
 * per octet (WHATWG's latin1 decoder, so that an octet beyond ASCII is neither lost nor merged), an IP address's
 * octets, an otherName's type-id with its value when that is a UTF8String. The others are checked for their form
 * and left undecoded.
 */
export type GeneralName =
  | { kind: 'email' | 'dns' | 'uri'; value: string }
  | { kind: 'ip'; octets: Uint8Array }
  | { kind: 'otherName'; typeId: string; utf8String: string | undefined }
  | { kind: 'registeredID'; oid: string }
  | { kind: 'x400Address' | 'directoryName' | 'ediPartyName' };

// The CHOICE's tags (RFC 5280 Appendix A.2, an IMPLICIT module): context class; constructed where the
// underlying type is a SEQUENCE (otherName, x400Address, ediPartyName) or the tag is EXPLICIT (directoryName,
// whose Name is a CHOICE).
const CHOICES: ReadonlyMap<number, GeneralName['kind']> = new Map([
  [0xa0, 'otherName'],
  [0x81, 'email'],
  [0x82, 'dns'],
  [0xa3, 'x400Address'],
  [0xa4, 'directoryName'],
  [0xa5, 'ediPartyName'],
  [0x86, 'uri'],
  [0x87, 'ip'],
  [0x88, 'registeredID'],
]);
const EXPLICIT_0 = 0xa0;
const EXPLICIT_1 = 0xa1;
// DirectoryString (RFC 5280 §4.1.2.4): TeletexString, PrintableString, UniversalString, UTF8String, BMPString.
const DIRECTORY_STRINGS = new Set([0x14, TAG.PRINTABLE_STRING, 0x1c, TAG.UTF8_STRING, 0x1e]);

const latin1 = new TextDecoder('latin1');
// Not fatal: a broken sequence reads as U+FFFD rather than refusing the certificate over one name.
const utf8 = new TextDecoder('utf-8');

function fail(message: string): never {
  throw new X509Error('INVALID_CERTIFICATE', `subjectAltName: ${message}`);
}

/**
 * OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY } (IMPLICIT [0] in GeneralName).
 * Fields after the value, and elements after the first inside `[0]`, are read as DER and otherwise ignored, as
 * Go's encoding/asn1 reads a SEQUENCE into a struct ("We allow extra bytes at the end of the SEQUENCE",
 * https://github.com/golang/go/blob/go1.24.0/src/encoding/asn1/asn1.go), which is how sigstore's Go code reads
 * the username otherName.
 */
function otherName(bytes: Uint8Array, name: Element): GeneralName {
  const [typeId, value] = children(bytes, name);
  if (typeId?.tag !== TAG.OID || value?.tag !== EXPLICIT_0) fail('an otherName is not a type-id and an [0] EXPLICIT value');
  const [inner] = children(bytes, value);
  if (!inner) fail('an otherName has an empty value');
  const utf8String = inner.tag === TAG.UTF8_STRING ? utf8.decode(content(bytes, inner)) : undefined;
  return { kind: 'otherName', typeId: decodeOid(content(bytes, typeId)), utf8String };
}

/** Name ::= RDNSequence: SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY } (RFC 5280 §4.1.2.4). */
function checkName(bytes: Uint8Array, name: Element): void {
  const [rdnSequence, ...more] = children(bytes, name);
  if (rdnSequence?.tag !== TAG.SEQUENCE || more.length > 0) fail('a directoryName does not hold one Name');
  for (const rdn of children(bytes, rdnSequence)) {
    if (rdn.tag !== TAG.SET) fail('a directoryName has an RDN that is not a SET');
    for (const attribute of children(bytes, rdn)) {
      const fields = attribute.tag === TAG.SEQUENCE ? children(bytes, attribute) : [];
      if (fields.length !== 2 || fields[0]?.tag !== TAG.OID) fail('a directoryName has an attribute that is not a type and a value');
      decodeOid(content(bytes, fields[0]));
    }
  }
}

/** EDIPartyName ::= SEQUENCE { nameAssigner [0] DirectoryString OPTIONAL, partyName [1] DirectoryString }, both EXPLICIT (a CHOICE). */
function checkEdiPartyName(bytes: Uint8Array, name: Element): void {
  const fields = children(bytes, name);
  const isDirectoryString = (field: Element | undefined, tag: number): boolean => {
    const inner = field?.tag === tag ? children(bytes, field) : [];
    return inner.length === 1 && DIRECTORY_STRINGS.has((inner[0] as Element).tag);
  };
  const [assigner, partyName] = fields.length === 1 ? [undefined, fields[0]] : fields;
  if (fields.length > 2 || !isDirectoryString(partyName, EXPLICIT_1) || (assigner && !isDirectoryString(assigner, EXPLICIT_0))) {
    fail('an ediPartyName is not an optional nameAssigner and a partyName');
  }
}

function generalName(bytes: Uint8Array, name: Element): GeneralName {
  const kind = CHOICES.get(name.tag) ?? fail(`no GeneralName has tag 0x${name.tag.toString(16)}`);
  switch (kind) {
    case 'email':
    case 'dns':
    case 'uri':
      return { kind, value: latin1.decode(content(bytes, name)) };
    case 'ip':
      return { kind, octets: content(bytes, name) };
    case 'otherName':
      return otherName(bytes, name);
    case 'registeredID':
      return { kind, oid: decodeOid(content(bytes, name)) };
    case 'directoryName':
      checkName(bytes, name);
      return { kind };
    case 'ediPartyName':
      checkEdiPartyName(bytes, name);
      return { kind };
    case 'x400Address':
      children(bytes, name); // ORAddress is left undecoded; its elements must still be DER
      return { kind };
  }
}

/**
 * The GeneralNames of one subjectAltName extnValue: a DER SEQUENCE. Bytes after it are ignored, as OpenSSL and Go
 * (https://github.com/golang/go/blob/go1.24.0/src/crypto/x509/parser.go, forEachSAN) both read the extension.
 */
export function readGeneralNames(extnValue: Uint8Array): GeneralName[] {
  const sequence = readElement(extnValue);
  if (sequence.tag !== TAG.SEQUENCE) fail('GeneralNames is not a SEQUENCE');
  return children(extnValue, sequence).map((name) => generalName(extnValue, name));
}

/**
 * The names of every subjectAltName extension (RFC 5280 §4.2.1.6), extension by extension, in certificate order.
 * RFC 5280 §4.2 forbids repeating an extension; OpenSSL still parses such a certificate and then reads only the
 * first, which would hide the other names from a caller that indexes them, so every one is read. Throws X509Error
 * for an encoding the strict DER reader refuses or a GeneralName not of its RFC 5280 form.
 */
export function subjectAltNames(parts: CertificateParts): GeneralName[] {
  return parts.extensions.filter((ext) => ext.oid === OID.subjectAltName).flatMap((ext) => readGeneralNames(ext.value));
}
