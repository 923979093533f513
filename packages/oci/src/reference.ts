import { OciError } from './error.js';

/** A repository in a registry: where manifests, blobs and tags live. */
export interface Repository {
  /** The registry host[:port] as written (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** The repository path, `library/` added for Docker Hub's one-component names. */
  readonly repository: string;
}

/** A parsed image reference: a repository plus a tag and/or a digest (a tag only when neither is written: `latest`). */
export interface ImageReference extends Repository {
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Docker Hub, as references name it and as go-containerregistry's pkg/name calls it (DefaultRegistry = index.docker.io). */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
export const DEFAULT_TAG = 'latest';

// distribution/reference regexp.go (at v2.8.3): path components, tags and digests.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
/** distribution/reference: NameTotalLengthMax. */
const MAX_NAME_LENGTH = 255;

const invalid = (ref: string, why: string) => new OciError('INVALID_REFERENCE', `invalid image reference '${ref}': ${why}`, { details: { reference: ref } });

/** Whether `digest` is an `algorithm:hex` digest this client can verify (sha256, sha512). */
export function isDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/** Whether `tag` is a valid tag (distribution/reference `tag`). */
export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

/**
 * The first component is a registry when it could only be one: it has a `.` or a `:` or is `localhost`
 * (distribution/reference normalize.go splitDockerDomain, go-containerregistry pkg/name). Otherwise Docker Hub.
 */
function splitRegistry(name: string): [string, string] {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || !(first.includes('.') || first.includes(':') || first === 'localhost')) return [DOCKER_HUB, name];
  return [first, name.slice(slash + 1)];
}

/**
 * Parses `[registry/]repository[:tag][@digest]` as docker and go-containerregistry do: Docker Hub when no registry
 * is named (`library/` added to one-component names), `latest` when neither tag nor digest is given.
 *
 * @example
 * parseReference('127.0.0.1:5000/sigbox/app@sha256:…') // { registry: '127.0.0.1:5000', repository: 'sigbox/app', tag: undefined, digest: 'sha256:…' }
 * parseReference('alpine') // { registry: 'docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }
 */
export function parseReference(ref: string): ImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw invalid(ref, 'the digest must be sha256:<64 hex> or sha512:<128 hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) throw invalid(ref, `bad tag '${tag}'`);
  }
  const [registry, path] = splitRegistry(rest);
  if (!HOST.test(registry)) throw invalid(ref, `bad registry '${registry}'`);
  const canonicalRegistry = DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB : registry;
  const repository = canonicalRegistry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  if (repository === '' || !repository.split('/').every((c) => COMPONENT.test(c))) {
    throw invalid(ref, 'the repository must be lower-case path components of letters, digits and separators');
  }
  if (canonicalRegistry.length + 1 + repository.length > MAX_NAME_LENGTH) throw invalid(ref, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  return Object.freeze({ registry: canonicalRegistry, repository, tag: tag ?? (digest === undefined ? DEFAULT_TAG : undefined), digest });
}

/** `registry/repository`, the name a policy's `scope.images` matches (no tag, no digest). */
export function repositoryName(repo: Repository): string {
  return `${repo.registry}/${repo.repository}`;
}

/** The reference written back: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/**
 * Where the registry's API is: plain HTTP for loopback registries, as go-containerregistry does
 * (pkg/name/registry.go `Scheme`: localhost and 127.0.0.0/8, ::1), HTTPS otherwise; Docker Hub's API host is
 * index.docker.io.
 */
export function registryBaseUrl(registry: string, plainHttp: (registry: string) => boolean = isLoopbackRegistry): string {
  const host = registry === DOCKER_HUB ? 'index.docker.io' : registry;
  return `${plainHttp(registry) ? 'http' : 'https'}://${host}`;
}

/** localhost, 127.0.0.0/8 and [::1], with or without a port. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
