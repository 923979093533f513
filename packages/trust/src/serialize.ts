const INDENT = 2;

/**
 * The bytes written to disk (and later hashed into TUF targets): 2-space JSON with a trailing newline.
 * Deterministic because the builders create keys in protobuf field order and JSON.stringify keeps insertion
 * order; fields whose value is `undefined` are dropped, as proto3 JSON omits unset fields.
 */
export function serializeTrustDocument(document: object): string {
  return `${JSON.stringify(document, null, INDENT)}\n`;
}
