import { encoding } from '@sigbox/core';

/** The parts of a created entry's answer. */
export interface TransparencyLogEntryParts {
  logIndex: bigint;
  logId: Uint8Array;
  kind: 'hashedrekord' | 'dsse';
  version: '0.0.2';
  treeSize: bigint;
  rootHash: Uint8Array;
  hashes: readonly Uint8Array[];
  /** The signed checkpoint note the proof is against (with cosignature lines when witnessed). */
  checkpoint: string;
  canonicalizedBody: Uint8Array;
}

/**
 * protobuf-specs `dev.sigstore.rekor.v1.TransparencyLogEntry` as rekor-tiles answers it: protojson with
 * `EmitUnpopulated` (grpc-gateway `JSONPb{MarshalOptions: {EmitUnpopulated: true}}`), so int64 as decimal strings,
 * bytes as base64, `integratedTime` "0" and `inclusionPromise` null (v2 has neither; rekor-v2-spec §4.4).
 */
export function transparencyLogEntryJson(parts: TransparencyLogEntryParts) {
  return {
    logIndex: parts.logIndex.toString(),
    logId: { keyId: encoding.toBase64(parts.logId) },
    kindVersion: { kind: parts.kind, version: parts.version },
    integratedTime: '0' as const,
    inclusionPromise: null,
    inclusionProof: {
      logIndex: parts.logIndex.toString(),
      rootHash: encoding.toBase64(parts.rootHash),
      treeSize: parts.treeSize.toString(),
      hashes: parts.hashes.map((h) => encoding.toBase64(h)),
      checkpoint: { envelope: parts.checkpoint },
    },
    canonicalizedBody: encoding.toBase64(parts.canonicalizedBody),
  };
}

export type TransparencyLogEntryJson = ReturnType<typeof transparencyLogEntryJson>;
