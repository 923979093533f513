/**
 * A real OCI registry for the cosign image tests: Debian's `docker-registry` (CNCF distribution 2.8) on a free
 * port of 127.0.0.1, plain HTTP, no auth, filesystem storage; images are written as an OCI image layout and
 * copied in with `skopeo`, as a user would push them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { runTool } from '@sigbox/testkit';

/** OCI image-spec v1.1 media types (image-spec media-types.md). */
const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;
/** An empty tar archive is its end-of-archive marker: two 512-byte zero blocks (POSIX ustar). */
const EMPTY_TAR = new Uint8Array(1024);
const START_TIMEOUT_MS = 15_000;
const POLL_MS = 100;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Writes `bytes` as a sha256-addressed blob of the layout at `dir` and returns its descriptor. */
async function writeBlob(dir: string, mediaType: string, bytes: Uint8Array): Promise<Descriptor> {
  const hex = crypto.createHash('sha256').update(bytes).digest('hex');
  await writeFile(path.join(dir, 'blobs', 'sha256', hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}

/**
 * An OCI image layout (image-spec image-layout.md) at `dir` holding one single-layer image tagged `tag`; `label`
 * goes into the config, so two labels give two images with different digests. Returns the manifest digest.
 */
export async function writeOciImage(dir: string, tag: string, label: string): Promise<string> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const layer = await writeBlob(dir, MEDIA.layer, EMPTY_TAR);
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'dev.sigbox.test': label } },
    rootfs: { type: 'layers', diff_ids: [layer.digest] }, // uncompressed layer: diff id = digest
  };
  const configBlob = await writeBlob(dir, MEDIA.config, Buffer.from(JSON.stringify(config)));
  const manifest = { schemaVersion: 2, mediaType: MEDIA.manifest, config: configBlob, layers: [layer] };
  const manifestBlob = await writeBlob(dir, MEDIA.manifest, Buffer.from(JSON.stringify(manifest)));
  const index = { schemaVersion: 2, manifests: [{ ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': tag } }] };
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
  return manifestBlob.digest;
}

export interface OciRegistry {
  /** `127.0.0.1:<port>`, the registry part of an image reference. */
  readonly host: string;
  log(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago: docker-registry takes its address from the config, not from the OS. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `docker-registry serve` with a config and storage under `dir`; resolves once `GET /v2/` answers (200, or
 * 401 when `extraConfig` adds an `auth:` section: distribution's configuration lines, appended).
 */
export async function startRegistry(binary: string, dir: string, extraConfig: readonly string[] = []): Promise<OciRegistry> {
  const host = `127.0.0.1:${await freePort()}`;
  const configFile = path.join(dir, 'registry.yml');
  await mkdir(path.join(dir, 'storage'), { recursive: true });
  // distribution's configuration format (docs/configuration.md); no auth and no TLS: a test registry on loopback.
  await writeFile(configFile, [
    'version: 0.1',
    'log: { level: info }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))} } }`,
    `http: { addr: "${host}" }`,
    ...extraConfig,
    '',
  ].join('\n'));
  const child = spawn(binary, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  try {
    await untilReady(child, `http://${host}/v2/`, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, log: () => log, stop };
}

async function untilReady(child: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${log()}`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`docker-registry did not answer ${url} within ${START_TIMEOUT_MS} ms: ${log()}`);
}

/** `skopeo copy` of the layout's `tag` to `docker://<ref>` over plain HTTP; throws with skopeo's output on failure. */
export async function pushImage(skopeo: string, layoutDir: string, tag: string, ref: string, cwd: string): Promise<void> {
  const args = ['copy', '--dest-tls-verify=false', `oci:${layoutDir}:${tag}`, `docker://${ref}`];
  const result = await runTool(skopeo, args, { cwd, env: { ...process.env, HOME: cwd } });
  if (result.code !== 0) throw new Error(`skopeo copy: ${result.code}\n${result.stderr}`);
}

/** The digest the registry serves for `repository:tag` (distribution spec: HEAD a manifest, `Docker-Content-Digest`). */
export async function resolveDigest(host: string, repository: string, tag: string): Promise<string> {
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: MEDIA.manifest } });
  const digest = res.headers.get('docker-content-digest');
  if (res.status !== 200 || digest === null) throw new Error(`${repository}:${tag}: HTTP ${res.status}`);
  return digest;
}

const INDEX = 'application/vnd.oci.image.index.v1+json';

async function getJson(url: string, accept: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept } });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

export interface Referrer extends Descriptor {
  artifactType?: string;
}

/**
 * The referrers of `digest` in `repository`. distribution 2.8 has no referrers API, so clients keep them under
 * the fallback tag `sha256-<hex>` as an image index (distribution-spec v1.1, "Referrers Tag Schema"); none = [].
 */
export async function referrers(host: string, repository: string, digest: string): Promise<Referrer[]> {
  const tag = digest.replace(':', '-');
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, { headers: { accept: INDEX } });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`referrers of ${digest}: HTTP ${res.status}`);
  return ((await res.json()) as { manifests: Referrer[] }).manifests;
}

/** The first layer of the manifest `digest` (an artifact's payload, e.g. a Sigstore bundle), parsed as JSON. */
export async function artifactLayer(host: string, repository: string, digest: string): Promise<unknown> {
  const manifest = (await getJson(`http://${host}/v2/${repository}/manifests/${digest}`, MEDIA.manifest)) as { layers: Descriptor[] };
  const layer = manifest.layers[0];
  if (layer === undefined) throw new Error(`${digest} has no layer`);
  return getJson(`http://${host}/v2/${repository}/blobs/${layer.digest}`, layer.mediaType);
}

/**
 * The annotations of the layer cosign's legacy scheme stores under the tag `sha256-<hex>.sig` (a signature) or
 * `sha256-<hex>.att` (an attestation) (cosign pkg/oci/remote: signature, certificate, chain and Rekor bundle
 * annotations).
 */
export async function legacySignature(host: string, repository: string, digest: string, suffix: 'sig' | 'att' = 'sig'): Promise<{ annotations: Record<string, string> }> {
  const tag = `${digest.replace(':', '-')}.${suffix}`;
  const manifest = (await getJson(`http://${host}/v2/${repository}/manifests/${tag}`, MEDIA.manifest)) as {
    layers: Array<{ annotations?: Record<string, string> }>;
  };
  const [layer, ...more] = manifest.layers;
  if (layer === undefined || more.length > 0) throw new Error(`${tag}: ${manifest.layers.length} signature layers`);
  return { annotations: layer.annotations ?? {} };
}
