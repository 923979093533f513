export { OciError, type OciErrorCode } from './error.js';
export {
  parseReference,
  formatReference,
  repositoryName,
  registryBaseUrl,
  isLoopbackRegistry,
  isDigest,
  isTag,
  DOCKER_HUB,
  DEFAULT_TAG,
  type ImageReference,
  type Repository,
} from './reference.js';
export { parseDockerConfig, readDockerConfig, type CredentialStore, type RegistryCredentials } from './docker-config.js';
export { parseChallenge, type Challenge } from './challenge.js';
export { DEFAULT_TIMEOUT_MS, type TransportOptions } from './transport.js';
export {
  createRegistryClient,
  nextLink,
  referrersTag,
  MAX_MANIFEST_BYTES,
  MAX_BLOB_BYTES,
  MAX_PAGES,
  type RegistryClient,
  type RegistryClientOptions,
  type FetchedManifest,
} from './client.js';
export { parseManifest, type Descriptor, type Manifest } from './manifest.js';
export { MEDIA_TYPES, MANIFEST_ACCEPT, isSigstoreBundleMediaType } from './media-types.js';
export {
  findSignatures,
  cosignTag,
  COSIGN_ANNOTATIONS,
  type ImageSignatures,
  type LegacySignature,
  type LegacyRekorBundle,
  type ReferredBundle,
} from './signatures.js';
