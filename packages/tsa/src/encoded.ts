import * as asn1js from 'asn1js';
import { AsnSerializer } from '@peculiar/asn1-schema';
import { bytesEqual } from '@sigbox/core';

/**
 * asn1-schema re-walks every object on each serialization: for values that never change (the TSTInfo's tsa name
 * and accuracy) that is wasted (bench/tsa/README.md). These seams hand it their DER instead, through its public
 * IAsnConvertible protocol (an object with toASN/fromASN is used as is). Every such value is write-only: fromASN throws.
 */

/**
 * DER bytes standing in an asn1js tree: asn1js encodes a constructed value by asking each member for its bytes,
 * `toBER(sizeOnly, writer)` (asn1js 3.1.0 LocalConstructedValueBlock.toBER), so a member answering with bytes it
 * already holds is written as is, never re-walked. (asn1js's own RawData ignores the writer and would be lost.)
 */
class PreEncoded {
  constructor(private readonly der: ArrayBuffer) {}
  toBER(_sizeOnly?: boolean, writer?: { write(buffer: ArrayBuffer): void }): ArrayBuffer {
    if (writer === undefined) return this.der;
    writer.write(this.der);
    return new ArrayBuffer(0);
  }
}

/**
 * A value already in DER (a certificate, a constant attribute), checked once to be one DER value that re-encodes
 * to itself, then handed to the serializer as those bytes.
 */
export function fixedValue(der: Uint8Array): { toASN(): asn1js.AsnType; fromASN(): never } {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset !== der.length || parsed.result.error || !bytesEqual(new Uint8Array(parsed.result.toBER(false)), der)) {
    throw new Error('not a single DER value that re-encodes to itself');
  }
  const node = new PreEncoded(new Uint8Array(der).buffer) as unknown as asn1js.AsnType;
  return { toASN: () => node, fromASN: readOnly };
}

/** A schema object serialized once (a per-TSA constant), then reused as its bytes. */
export function encodedOnce<T>(value: object): T {
  return fixedValue(new Uint8Array(AsnSerializer.serialize(value))) as unknown as T;
}

export function readOnly(): never {
  throw new Error('write-only value');
}
