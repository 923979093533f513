import { type Tlv, children, oidText, readTlv, stringOf, timeOf } from './der.js';
import { FULCIO_EXTENSIONS } from './fulcio-oids.js';

/** What the explorer shows of a signing certificate. */
export interface CertificateFacts {
  readonly subjectAltNames: ReadonlyArray<{ readonly kind: 'email' | 'uri' | 'dns' | 'other'; readonly value: string }>;
  readonly issuerName: string;
  readonly subjectName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serial: string;
  /** Fulcio extensions present, in OID order, with their titles. */
  readonly fulcio: ReadonlyArray<{ readonly oid: string; readonly name: string; readonly title: string; readonly value: string }>;
}

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };
const OID_SAN = '2.5.29.17';
// Fulcio's username SAN (otherName type-id 1.3.6.1.4.1.57264.1.7, `[0] EXPLICIT UTF8String`).
const OID_FULCIO_USERNAME = '1.3.6.1.4.1.57264.1.7';

function nameText(name: Tlv): string {
  return children(name.content)
    .flatMap((rdn) => children(rdn.content))
    .map((atv) => {
      const [type, value] = children(atv.content);
      const oid = type ? oidText(type.content) : '?';
      return `${ATTRIBUTE_NAMES[oid] ?? oid}=${value ? stringOf(value) : ''}`;
    })
    .join(', ');
}

function sans(extnValue: Uint8Array): CertificateFacts['subjectAltNames'] {
  return children(readTlv(extnValue).content).map((gn) => {
    switch (gn.tag) {
      case 0x81:
        return { kind: 'email' as const, value: stringOf(gn) };
      case 0x86:
        return { kind: 'uri' as const, value: stringOf(gn) };
      case 0x82:
        return { kind: 'dns' as const, value: stringOf(gn) };
      case 0xa0: {
        const [typeId, value] = children(gn.content);
        const inner = value && children(value.content)[0];
        const text = typeId && oidText(typeId.content) === OID_FULCIO_USERNAME && inner ? stringOf(inner) : '(otherName)';
        return { kind: 'other' as const, value: text };
      }
      default:
        return { kind: 'other' as const, value: `(tag ${gn.tag})` };
    }
  });
}

/** 1.8+ hold a DER UTF8String; 1.1–1.6 the raw bytes of the text. */
function extensionText(value: Uint8Array, raw: boolean): string {
  if (!raw) {
    try {
      const t = readTlv(value);
      if (t.tag === 0x0c && t.end === value.length) return stringOf(t);
    } catch {
      // fall through: show the bytes as text
    }
  }
  return new TextDecoder().decode(value);
}

/** Decodes an X.509 certificate's identity (RFC 5280 §4.1) and Fulcio's extensions. */
export function decodeCertificate(der: Uint8Array): CertificateFacts {
  const [tbs] = children(readTlv(der).content);
  if (!tbs) throw new Error('not a certificate');
  const fields = children(tbs.content);
  const hasVersion = fields[0]?.tag === 0xa0;
  const [serial, , issuer, validity, subject] = fields.slice(hasVersion ? 1 : 0);
  if (!serial || !issuer || !validity || !subject) throw new Error('certificate: missing fields');
  const [notBefore, notAfter] = children(validity.content);
  if (!notBefore || !notAfter) throw new Error('certificate: no validity');
  const extensions = children(fields.find((f) => f.tag === 0xa3)?.content ?? new Uint8Array()).flatMap((seq) => children(seq.content));
  let subjectAltNames: CertificateFacts['subjectAltNames'] = [];
  const fulcio: Array<CertificateFacts['fulcio'][number]> = [];
  for (const ext of extensions) {
    const parts = children(ext.content);
    const oid = parts[0] ? oidText(parts[0].content) : '';
    const value = parts.at(-1)?.content ?? new Uint8Array();
    if (oid === OID_SAN) subjectAltNames = sans(value);
    const known = FULCIO_EXTENSIONS.find((f) => f.oid === oid);
    if (known) fulcio.push({ oid, name: known.name, title: known.title, value: extensionText(value, known.raw === true) });
  }
  return {
    subjectAltNames,
    issuerName: nameText(issuer),
    subjectName: nameText(subject),
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    serial: Array.from(serial.content, (b) => b.toString(16).padStart(2, '0')).join(''),
    fulcio,
  };
}
