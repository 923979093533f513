// @sigbox/oci against a real registry: Debian's docker-registry (CNCF distribution 2.8) filled with skopeo, read
// over plain HTTP on 127.0.0.1; then the same storage served by a second docker-registry that demands distribution's
// token authentication (docs/spec/auth/token.md), whose token service here is a small ES256 JWT issuer checking the
// basic credentials the client takes from a docker config. The registry checks every token itself (issuer,
// audience, expiry, access, signature chained to its rootcertbundle).
import crypto from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { OciError, createRegistryClient, findSignatures, parseDockerConfig, parseReference } from '@sigbox/oci';
import { createTlsCertificate, findTool } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OciRegistry, pushImage, resolveDigest, startRegistry, writeOciImage } from './oci-registry.js';

const WHY = 'a real OCI registry for the OCI client; apt-get install docker-registry skopeo';
const DOCKER_REGISTRY = findTool({ command: 'docker-registry', why: WHY });
const SKOPEO = findTool({ command: 'skopeo', why: WHY });
const TAGS = ['v1', 'v2', 'v3', 'latest'];
const SERVICE = 'sigbox-oci-test';
const ISSUER = 'sigbox-oci-test-issuer';
const USER = 'reader';
const PASSWORD = 'correct horse';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A token service after distribution's spec: basic credentials in, an ES256 JWT with an x5c header out. */
async function startTokenService(certFile: string, keyFile: string): Promise<{ url: string; scopes: string[]; close: () => Promise<void> }> {
  const certDer = new crypto.X509Certificate(await readFile(certFile)).raw;
  const key = crypto.createPrivateKey(await readFile(keyFile));
  const scopes: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(/:(.*)/s);
    const scope = url.searchParams.get('scope') ?? '';
    scopes.push(scope);
    if (user !== USER || pass !== PASSWORD || url.searchParams.get('service') !== SERVICE) {
      res.writeHead(401).end();
      return;
    }
    const [, name, actions] = scope.split(':');
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] }));
    const claims = b64url(JSON.stringify({
      iss: ISSUER, sub: user, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: crypto.randomUUID(),
      access: [{ type: 'repository', name, actions: (actions ?? '').split(',') }],
    }));
    const signature = crypto.sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}`, expires_in: 300 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/token`,
    scopes,
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

describe.skipIf(DOCKER_REGISTRY === undefined || SKOPEO === undefined)('@sigbox/oci against docker-registry 2.8', () => {
  let dir: string;
  let registry: OciRegistry;
  let digest: string;
  const client = createRegistryClient();
  const repo = () => ({ registry: registry.host, repository: 'sigbox/app' });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-oci-'));
    await mkdir(path.join(dir, 'open'));
    registry = await startRegistry(DOCKER_REGISTRY as string, path.join(dir, 'open'));
    const layout = path.join(dir, 'layout');
    await writeOciImage(layout, 'latest', 'oci-client');
    for (const tag of TAGS) await pushImage(SKOPEO as string, layout, 'latest', `${registry.host}/sigbox/app:${tag}`, dir);
    digest = await resolveDigest(registry.host, 'sigbox/app', 'latest');
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('resolves a tag to the digest the registry serves, and a digest to itself', async () => {
    expect(await client.resolve(parseReference(`${registry.host}/sigbox/app:v2`))).toBe(digest);
    expect(await client.resolve(parseReference(`${registry.host}/sigbox/app@${digest}`))).toBe(digest);
  });

  it('lists tags across Link pages', async () => {
    expect((await client.listTags(repo())).sort()).toEqual([...TAGS].sort());
    // distribution 2.8 ignores `n` on tags/list (paging came with distribution v3): one page, no Link. The client
    // still asks, and would follow a Link (nextLink is unit-tested).
    const urls: string[] = [];
    const counting = createRegistryClient({ fetch: (input, init) => (urls.push(String(input)), fetch(input, init)) });
    expect((await counting.listTags(repo(), { pageSize: 1 })).sort()).toEqual([...TAGS].sort());
    expect(urls).toEqual([`http://${registry.host}/v2/sigbox/app/tags/list?n=1`]);
  });

  it('reads the manifest and its blobs, each checked against its digest', async () => {
    const fetched = await client.manifest(repo(), 'v1');
    expect(fetched.digest).toBe(digest);
    expect(fetched.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const config = JSON.parse(Buffer.from(await client.blob(repo(), fetched.manifest.config?.digest as string)).toString()) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels['dev.sigbox.test']).toBe('oci-client');
    expect((await client.manifest(repo(), digest)).bytes).toEqual(fetched.bytes);
  });

  it('says NOT_FOUND for an unknown tag or repository, and finds no signatures on an unsigned image', async () => {
    await expect(client.manifest(repo(), 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.resolve(parseReference(`${registry.host}/sigbox/none:latest`))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // No referrers API in distribution 2.8 and no fallback tag: nothing, not an error.
    expect(await client.referrers(repo(), digest)).toEqual([]);
    expect(await findSignatures(client, repo(), digest)).toEqual({ digest, signatures: [], attestations: [], bundles: [] });
  });

  it('refuses a blob whose stored bytes were altered: DIGEST_MISMATCH', async () => {
    const { manifest } = await client.manifest(repo(), 'v1');
    const layer = manifest.layers?.[0]?.digest as string;
    const hex = layer.slice('sha256:'.length);
    // distribution's filesystem layout: blobs/sha256/<first two hex>/<hex>/data.
    const file = path.join(dir, 'open', 'storage', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const original = await readFile(file);
    await writeFile(file, Buffer.concat([original.subarray(0, original.length - 1), Buffer.from([1])]));
    try {
      const err = await client.blob(repo(), layer).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OciError);
      expect(err).toMatchObject({ code: 'DIGEST_MISMATCH' });
    } finally {
      await writeFile(file, original);
    }
  });

  describe('behind token authentication', () => {
    let secured: OciRegistry;
    let tokens: Awaited<ReturnType<typeof startTokenService>>;

    beforeAll(async () => {
      const securedDir = path.join(dir, 'secured');
      await mkdir(securedDir);
      const { cert, key } = createTlsCertificate(securedDir, { name: 'token-signer', commonName: 'sigbox token signer' });
      tokens = await startTokenService(cert, key);
      // The same storage as the open registry: what it holds is now behind tokens.
      await symlink(path.join(dir, 'open', 'storage'), path.join(securedDir, 'storage'));
      secured = await startRegistry(DOCKER_REGISTRY as string, securedDir, [
        `auth: { token: { realm: "${tokens.url}", service: ${SERVICE}, issuer: ${ISSUER}, rootcertbundle: ${JSON.stringify(cert)} } }`,
      ]);
    }, 30_000);

    afterAll(async () => {
      await secured?.stop();
      await tokens?.close();
    });

    it('reads with the docker config\'s credentials through the Bearer token dance', async () => {
      const credentials = parseDockerConfig(JSON.stringify({ auths: { [secured.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
      const authed = createRegistryClient({ credentials });
      const ref = parseReference(`${secured.host}/sigbox/app:v3`);
      expect(await authed.resolve(ref)).toBe(digest);
      expect((await authed.listTags(ref)).sort()).toEqual([...TAGS].sort());
      expect(tokens.scopes).toContain('repository:sigbox/app:pull');
    });

    it('is UNAUTHORIZED anonymously and with wrong credentials', async () => {
      const ref = parseReference(`${secured.host}/sigbox/app:v3`);
      await expect(createRegistryClient().resolve(ref)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const wrong = parseDockerConfig(JSON.stringify({ auths: { [secured.host]: { username: USER, password: 'wrong' } } }));
      await expect(createRegistryClient({ credentials: wrong }).resolve(ref)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });
  });
});
