import crypto from 'node:crypto';
import { OciError } from './error.js';
import { type Descriptor, type Manifest, parseManifest } from './manifest.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES } from './media-types.js';
import { type ImageReference, type Repository, isDigest, isTag } from './reference.js';
import { type Transport, type TransportOptions, createTransport, readLimited } from './transport.js';

export interface RegistryClientOptions extends TransportOptions {
  /** Largest manifest read (default {@link MAX_MANIFEST_BYTES}). */
  readonly maxManifestBytes?: number;
  /** Largest blob read (default {@link MAX_BLOB_BYTES}): this client reads signatures and configs, not layers. */
  readonly maxBlobBytes?: number;
}

/** containerd and distribution refuse manifests over 4 MiB (distribution registry/handlers/manifests.go maxManifestBodySize). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_BLOB_BYTES = 16 * 1024 * 1024;
/** Tag lists and referrers are paged with `Link`; past this many pages a registry is looping. */
export const MAX_PAGES = 1000;
/** Answers to `GET /v2/<name>/referrers/<digest>` that mean the registry has no referrers API. */
const REFERRERS_UNSUPPORTED = [400, 404, 406] as const;

/** A manifest as read, its digest checked. */
export interface FetchedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  readonly manifest: Manifest;
}

/** A read-only client of the OCI distribution API (distribution-spec v1.1) for one or many registries. */
export interface RegistryClient {
  /** The digest `ref` names: its own digest, or the tag's (HEAD, else GET and hash). */
  resolve(ref: ImageReference): Promise<string>;
  /** The manifest of `reference` (a tag or a digest) in `repo`; its digest is checked. */
  manifest(repo: Repository, reference: string): Promise<FetchedManifest>;
  /** A blob's bytes, checked against `digest`. */
  blob(repo: Repository, digest: string): Promise<Uint8Array>;
  /** Every tag of `repo`, following `Link` pages; `pageSize` asks for pages of that many (`?n=`). */
  listTags(repo: Repository, options?: { pageSize?: number }): Promise<string[]>;
  /**
   * The referrers of `digest` (its `subject`): the referrers API, or the `sha256-<hex>` fallback tag's index where
   * the registry has no referrers API. Filtered by `artifactType` when given.
   */
  referrers(repo: Repository, digest: string, artifactType?: string): Promise<Descriptor[]>;
}

const hashOf = (digest: string) => digest.slice(0, digest.indexOf(':'));
const digestOf = (algorithm: string, bytes: Uint8Array) => `${algorithm}:${crypto.createHash(algorithm).update(bytes).digest('hex')}`;

/** The `rel="next"` target of a `Link` header (RFC 8288), as distribution's pagination writes it. */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match !== null && /(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2] as string)) return match[1];
  }
  return undefined;
}

/** The `sha256-<hex>` tag of the referrers tag schema (distribution-spec v1.1 spec.md "Referrers Tag Schema"). */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

function statusError(response: Response, what: string): OciError {
  if (response.status === 404) return new OciError('NOT_FOUND', `${what}: not found`);
  return new OciError('REGISTRY_ERROR', `${what}: HTTP ${response.status}`, { details: { status: response.status } });
}

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const transport: Transport = createTransport(options);
  const maxManifest = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
  const maxBlob = options.maxBlobBytes ?? MAX_BLOB_BYTES;
  const path = (repo: Repository, rest: string) => `/v2/${repo.repository}/${rest}`;

  function checkReference(reference: string): void {
    if (!isDigest(reference) && !isTag(reference)) throw new OciError('INVALID_REFERENCE', `'${reference}' is neither a tag nor a digest`);
  }

  async function manifest(repo: Repository, reference: string): Promise<FetchedManifest> {
    checkReference(reference);
    const what = `manifest ${repo.registry}/${repo.repository}:${reference}`;
    const response = await transport.request(repo, path(repo, `manifests/${reference}`), { accept: MANIFEST_ACCEPT });
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(response, what);
    }
    const bytes = await readLimited(response, maxManifest, what);
    // By digest: the bytes must hash to it. By tag: to what the registry announces, when it does.
    const expected = isDigest(reference) ? reference : (response.headers.get('docker-content-digest') ?? undefined);
    const digest = digestOf(expected === undefined || !isDigest(expected) ? 'sha256' : hashOf(expected), bytes);
    if (expected !== undefined && digest !== expected) throw new OciError('DIGEST_MISMATCH', `${what}: content is ${digest}, expected ${expected}`);
    const parsed = parseManifest(bytes, what);
    const mediaType = parsed.mediaType ?? response.headers.get('content-type')?.split(';')[0] ?? '';
    return { digest, mediaType, bytes, manifest: parsed };
  }

  /**
   * An image index page, or undefined for `unsupported` statuses (and, when `requireIndexType`, a 200 that is not an
   * index): the referrers API's answers that mean "no API here".
   */
  async function index(repo: Repository, url: string, what: string, unsupported: readonly number[], requireIndexType: boolean) {
    const response = await transport.request(repo, url, { accept: MEDIA_TYPES.ociIndex });
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (unsupported.includes(response.status) || (response.ok && requireIndexType && contentType !== MEDIA_TYPES.ociIndex)) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw statusError(response, what);
    }
    const parsed = parseManifest(await readLimited(response, maxManifest, what), what);
    return { manifests: [...(parsed.manifests ?? [])], next: nextLink(response.headers.get('link')) };
  }

  return {
    async resolve(ref) {
      if (ref.digest !== undefined) return ref.digest;
      const repo = { registry: ref.registry, repository: ref.repository };
      const tag = ref.tag as string;
      checkReference(tag);
      const head = await transport.request(repo, path(repo, `manifests/${tag}`), { method: 'HEAD', accept: MANIFEST_ACCEPT });
      const announced = head.headers.get('docker-content-digest');
      if (head.ok && announced !== null && isDigest(announced)) return announced;
      if (!head.ok && head.status !== 405) throw statusError(head, `manifest ${ref.registry}/${ref.repository}:${tag}`);
      return (await manifest(repo, tag)).digest;
    },

    manifest,

    async blob(repo, digest) {
      if (!isDigest(digest)) throw new OciError('INVALID_REFERENCE', `'${digest}' is not a digest`);
      const what = `blob ${repo.registry}/${repo.repository}@${digest}`;
      const response = await transport.request(repo, path(repo, `blobs/${digest}`));
      if (!response.ok) {
        await response.body?.cancel();
        throw statusError(response, what);
      }
      const bytes = await readLimited(response, maxBlob, what);
      const actual = digestOf(hashOf(digest), bytes);
      if (actual !== digest) throw new OciError('DIGEST_MISMATCH', `${what}: content is ${actual}`);
      return bytes;
    },

    async listTags(repo, { pageSize } = {}) {
      const tags: string[] = [];
      let url: string | undefined = path(repo, `tags/list${pageSize === undefined ? '' : `?n=${pageSize}`}`);
      for (let page = 0; url !== undefined; page++) {
        if (page === MAX_PAGES) throw new OciError('INVALID_RESPONSE', `tags of ${repo.registry}/${repo.repository}: more than ${MAX_PAGES} pages`);
        const what = `tags of ${repo.registry}/${repo.repository}`;
        const response = await transport.request(repo, url, { accept: 'application/json' });
        if (!response.ok) {
          await response.body?.cancel();
          throw statusError(response, what);
        }
        const body = JSON.parse(Buffer.from(await readLimited(response, maxManifest, what)).toString('utf8')) as { tags?: unknown };
        // distribution answers `"tags": null` for a repository whose tags were all deleted.
        if (body.tags !== null && body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))) {
          throw new OciError('INVALID_RESPONSE', `${what}: "tags" is not a list of strings`);
        }
        tags.push(...((body.tags as string[] | null | undefined) ?? []));
        url = nextLink(response.headers.get('link'));
      }
      return tags;
    },

    async referrers(repo, digest, artifactType) {
      if (!isDigest(digest)) throw new OciError('INVALID_REFERENCE', `'${digest}' is not a digest`);
      const what = `referrers of ${repo.registry}/${repo.repository}@${digest}`;
      const found: Descriptor[] = [];
      const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
      let url: string | undefined = path(repo, `referrers/${digest}${query}`);
      for (let page = 0; url !== undefined; page++) {
        if (page === MAX_PAGES) throw new OciError('INVALID_RESPONSE', `${what}: more than ${MAX_PAGES} pages`);
        // As go-containerregistry v0.22.1 (cosign's) pkg/v1/remote/referrers.go: the API is there when it answers 200
        // with an image index; 404 (spec.md "Listing Referrers"), 400, 406 or another 200 mean it is not, and the
        // referrers tag schema's fallback index (404 there: no referrers) takes its place.
        const result = await index(repo, url, what, page === 0 ? REFERRERS_UNSUPPORTED : [], page === 0);
        if (result === undefined) {
          const fallback = await index(repo, path(repo, `manifests/${referrersTag(digest)}`), `${what} (fallback tag)`, [404], false);
          found.push(...(fallback?.manifests ?? []));
          break;
        }
        found.push(...result.manifests);
        url = result.next;
      }
      // The API may ignore the filter (then it omits OCI-Filters-Applied); the fallback index always does.
      return artifactType === undefined ? found : found.filter((d) => d.artifactType === artifactType);
    },
  };
}
