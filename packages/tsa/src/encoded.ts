import * as asn1js from 'asn1js';
import { AsnSerializer } from '@peculiar/asn1-schema';
import { bytesEqual } from '@sigbox/core';

/**
 * asn1-schema re-walks every object on each serialization and re-parses every ANY value: per response that is most of
 * the cost (bench/tsa/README.md). These two seams hand it asn1js trees instead, through its public IAsnConvertible
 * protocol (an object with toASN/fromASN is used as is). Every such value is write-only: fromASN throws.
 */

/** A value already in DER (a certificate), parsed once into an asn1js tree that re-encodes to exactly those bytes. */
export function fixedValue(der: Uint8Array): { toASN(): asn1js.AsnType; fromASN(): never } {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset !== der.length || parsed.result.error || !bytesEqual(new Uint8Array(parsed.result.toBER(false)), der)) {
    throw new Error('not a single DER value that re-encodes to itself');
  }
  return { toASN: () => parsed.result, fromASN: readOnly };
}

/**
 * ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY } (RFC 5652 §3) around a schema object,
 * without serializing the content to bytes and parsing it back as a ContentInfo's ANY field would.
 */
export function contentInfo(contentType: string, content: object): { toASN(): asn1js.AsnType; fromASN(): never } {
  return {
    toASN: () =>
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: contentType }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [AsnSerializer.toASN(content)] }),
        ],
      }),
    fromASN: readOnly,
  };
}

export function readOnly(): never {
  throw new Error('write-only value');
}
