export { MerkleError, type MerkleErrorCode } from './errors.js';
export { type Hasher, HASH_SIZE, EMPTY_ROOT, createNodeHasher, defaultHasher, hashLeaf, hashChildren } from './hasher.js';
export {
  type Tile,
  type TileId,
  type TileReader,
  TILE_HEIGHT,
  TILE_WIDTH,
  partialTileWidth,
  tileWidth,
  tilesOfTree,
  tileToBytes,
  tileFromBytes,
} from './tile.js';
export { type TilePath, encodeTileIndex, tilePath, entryBundlePath, parseTilePath } from './tile-path.js';
export { encodeEntryBundle, parseEntryBundle } from './entry-bundle.js';
export { type IntegrateResult, integrate, tilesNeededForAppend } from './integrate.js';
export { rootFromTiles } from './node-reader.js';
export { inclusionProof, inclusionProofTiles } from './inclusion.js';
export { consistencyProof, consistencyProofTiles } from './consistency.js';
export { rootFromInclusionProof, verifyInclusion, isValidInclusion } from './verify-inclusion.js';
export { verifyConsistency, isValidConsistency } from './verify-consistency.js';
export { type MemoryTileStore, createMemoryTileStore } from './memory-tiles.js';
// Signed notes: signed-note.ts is their deliberate public face (syntax, keys and vkeys re-exported there).
export * from './signed-note.js';
export {
  type Checkpoint,
  type CheckpointInput,
  type OpenCheckpointOptions,
  type VerifiedCheckpoint,
  ROOT_HASH_LENGTH,
  REKOR_V1_ORIGIN_RE,
  formatCheckpointBody,
  parseCheckpointBody,
  parseCheckpoint,
  signCheckpoint,
  openCheckpoint,
  isRekorV1Origin,
  rekorV1Origin,
  parseRekorV1Origin,
} from './checkpoint.js';
