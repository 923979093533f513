import { canonicalize, encoding } from '@sigbox/core';
import { INVALID_DSSE, INVALID_HASHEDREKORD, INVALID_TYPE, RekorV2Error, invalidRequest } from './errors.js';
import { dsseEntryJson, verifyDsseRequest } from './dsse.js';
import { hashedRekordEntryJson, verifyHashedRekordRequest } from './hashedrekord.js';
import { type MessageFields, ProtoJsonError, oneOf, readMessage } from './proto-json.js';
import { digestOfKeyDetails } from './key-details.js';
import { rekorV2IndexKeys } from './index-keys.js';

/** What a `CreateEntryRequest` becomes: the leaf and the kind it is of. */
export interface RekorV2Entry {
  readonly kind: 'hashedrekord' | 'dsse';
  readonly version: '0.0.2';
  /** JCS(protojson(Entry)): the tree leaf and the answer's `canonicalizedBody`. */
  readonly leaf: Uint8Array;
  /** Its search keys (index-keys.ts), stored with it for the explorer's search. */
  readonly indexKeys: readonly string[];
}

const CREATE_ENTRY_REQUEST: MessageFields = {
  hashedRekordRequestV002: 'hashed_rekord_request_v002',
  dsseRequestV002: 'dsse_request_v002',
};

/**
 * The leaf of an entry: `jsoncanonicalizer.Transform(protojson.Marshal(entry))` (rekor-tiles
 * internal/server/service.go CreateEntry; pkg/types/hashedrekord `ToEntryHash` rebuilds the same bytes from a bundle
 * for verification, as sigstore-go does). JCS of our own protojson-shaped object gives the same bytes: protojson
 * leaves unset fields out, writes bytes as std base64 with padding and enums by name, and JCS sorts the keys.
 */
export function entryLeaf(entryJson: Record<string, unknown>): Uint8Array {
  return encoding.utf8(canonicalize(entryJson));
}

/**
 * Reads a protobuf-JSON `CreateEntryRequest` (the parsed body of POST /api/v2/log/entries), verifies it, and
 * returns its leaf. Rejects with RekorV2Error INVALID_ARGUMENT only: a body protojson would not decode
 * (`proto: …`, like grpc-gateway's decoding error), or upstream's generic per-kind text with the detail attached.
 */
export async function parseCreateEntryRequest(body: unknown): Promise<RekorV2Entry> {
  let message: Map<string, unknown>;
  let kind: string | undefined;
  try {
    message = readMessage(body, CREATE_ENTRY_REQUEST, 'CreateEntryRequest');
    kind = oneOf(message, Object.keys(CREATE_ENTRY_REQUEST), 'CreateEntryRequest');
  } catch (error) {
    throw invalidRequest(`proto: ${(error as Error).message}`, (error as Error).message, error);
  }
  if (kind === 'hashedRekordRequestV002') {
    const entry = await verified(() => verifyHashedRekordRequest(message.get(kind)), INVALID_HASHEDREKORD);
    const digest = { algorithm: digestOfKeyDetails(entry.signature.verifier.keyDetails), value: entry.digest };
    return { kind: 'hashedrekord', version: '0.0.2', leaf: entryLeaf(hashedRekordEntryJson(entry)), indexKeys: rekorV2IndexKeys(digest, [entry.verifier]) };
  }
  if (kind === 'dsseRequestV002') {
    const entry = await verified(() => verifyDsseRequest(message.get(kind)), INVALID_DSSE);
    const keys = rekorV2IndexKeys({ algorithm: 'sha256', value: entry.payloadHash }, entry.signatures.map((s) => s.verifier));
    return { kind: 'dsse', version: '0.0.2', leaf: entryLeaf(dsseEntryJson(entry)), indexKeys: keys };
  }
  throw new RekorV2Error('INVALID_ARGUMENT', INVALID_TYPE);
}

async function verified<T>(read: () => Promise<T>, generic: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    // A body protojson cannot decode is refused by grpc-gateway before the service: its own message.
    if (error instanceof ProtoJsonError) throw invalidRequest(`proto: ${error.message}`, error.message, error);
    throw invalidRequest(generic, error instanceof Error ? error.message : String(error), error);
  }
}
