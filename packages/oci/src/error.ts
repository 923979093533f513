import { BaseError } from '@sigbox/core';

/**
 * Everything the OCI client refuses or fails at. A caller (the `policy explain` command, the monitor) maps codes to
 * its own words: NOT_FOUND is "no such image/tag", UNAUTHORIZED "log in (docker login) or check the docker config".
 */
export type OciErrorCode =
  /** An image reference, repository, tag or digest that does not parse (distribution reference grammar). */
  | 'INVALID_REFERENCE'
  /** The registry wants credentials we do not have, or refused the ones we sent (401/403 after the auth dance). */
  | 'UNAUTHORIZED'
  /** 404 for a manifest, blob or tag list. */
  | 'NOT_FOUND'
  /** What was read does not hash to the digest asked for or announced (Docker-Content-Digest). */
  | 'DIGEST_MISMATCH'
  /** A body larger than the client's limit for its kind. */
  | 'TOO_LARGE'
  /** A manifest, index, tag list or token answer that is not what the spec says it is. */
  | 'INVALID_RESPONSE'
  /** Any other HTTP status, or the registry could not be reached. */
  | 'REGISTRY_ERROR'
  /** A docker config file that cannot be read or parsed. */
  | 'INVALID_CONFIG';

export class OciError extends BaseError<OciErrorCode> {}
