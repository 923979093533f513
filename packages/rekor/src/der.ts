/** One DER TLV: tag byte (class, constructed bit and number, low-tag form only) and its content bytes. */
export interface DerNode {
  tag: number;
  content: Uint8Array;
}

const TAG_CONSTRUCTED = 0x20;

/**
 * Splits `bytes` into consecutive DER TLVs (X.690 §8.1). Only what certificate extensions need: low tag
 * numbers and definite lengths up to 4 length bytes; anything else throws.
 */
export function readDerNodes(bytes: Uint8Array): DerNode[] {
  const nodes: DerNode[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = bytes[offset++] as number;
    if ((tag & 0x1f) === 0x1f) throw new Error('DER: high tag numbers are not supported');
    let length = bytes[offset++];
    if (length === undefined) throw new Error('DER: truncated length');
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4) throw new Error('DER: unsupported length encoding');
      length = 0;
      for (let i = 0; i < count; i++) {
        const b = bytes[offset++];
        if (b === undefined) throw new Error('DER: truncated length');
        length = length * 256 + b;
      }
    }
    if (offset + length > bytes.length) throw new Error('DER: truncated content');
    nodes.push({ tag, content: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return nodes;
}

/** The children of a constructed node (SEQUENCE, explicit context tag). */
export function derChildren(node: DerNode): DerNode[] {
  if (!(node.tag & TAG_CONSTRUCTED)) throw new Error('DER: expected a constructed value');
  return readDerNodes(node.content);
}

/** Dotted-decimal form of an OBJECT IDENTIFIER's content bytes (X.690 §8.19). */
export function decodeOid(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of content) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}
