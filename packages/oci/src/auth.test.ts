import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from './challenge.js';
import { nextLink, referrersTag } from './client.js';
import { parseDockerConfig, readDockerConfig } from './docker-config.js';
import { isSigstoreBundleMediaType } from './media-types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseDockerConfig', () => {
  it('reads auths keyed with and without scheme, Docker Hub under its v1 key', () => {
    const store = parseDockerConfig(JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        '127.0.0.1:5000': { auth: b64('me:pa:ss') },
        'https://ghcr.io': { username: 'u', password: 'p' },
        'token.example': { identitytoken: 'refresh' },
        'helper.example': {},
      },
      credsStore: 'desktop',
    }));
    expect(store('docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(store('127.0.0.1:5000')).toEqual({ username: 'me', password: 'pa:ss' });
    expect(store('ghcr.io')).toEqual({ username: 'u', password: 'p' });
    expect(store('token.example')).toEqual({ identityToken: 'refresh' });
    expect(store('helper.example')).toBeUndefined();
    expect(store('127.0.0.1:5001')).toBeUndefined();
  });

  it('refuses what is not a docker config', () => {
    expect(() => parseDockerConfig('{')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseDockerConfig('{"auths": []}')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseDockerConfig(JSON.stringify({ auths: { x: { auth: b64('nocolon') } } }))).toThrow(/user:password/);
  });
});

describe('readDockerConfig', () => {
  it('reads a file, and a missing file means anonymous', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sigbox-docker-config-'));
    try {
      const file = path.join(dir, 'config.json');
      expect((await readDockerConfig(file))('ghcr.io')).toBeUndefined();
      await writeFile(file, JSON.stringify({ auths: { 'ghcr.io': { auth: b64('u:p') } } }));
      expect((await readDockerConfig(file))('ghcr.io')).toEqual({ username: 'u', password: 'p' });
      await expect(readDockerConfig(dir)).rejects.toMatchObject({ code: 'INVALID_CONFIG' }); // a directory: EISDIR
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseChallenge', () => {
  it('reads a distribution Bearer challenge', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
    expect(parseChallenge('Bearer realm="a\\"b", service=svc')).toEqual({ scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } });
    expect(parseChallenge('')).toBeUndefined();
  });
});

describe('pagination and names', () => {
  it('follows rel="next" links only', () => {
    expect(nextLink('</v2/a/tags/list?last=b&n=2>; rel="next"')).toBe('/v2/a/tags/list?last=b&n=2');
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next>; rel=next')).toBe('https://x/next');
    expect(nextLink('<https://x/prev>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('names the referrers fallback tag and recognises bundle media types', () => {
    expect(referrersTag(`sha256:${'0'.repeat(64)}`)).toBe(`sha256-${'0'.repeat(64)}`);
    expect(isSigstoreBundleMediaType('application/vnd.dev.sigstore.bundle.v0.3+json')).toBe(true);
    expect(isSigstoreBundleMediaType('application/vnd.dev.sigstore.bundle+json;version=0.2')).toBe(true);
    expect(isSigstoreBundleMediaType('application/vnd.oci.empty.v1+json')).toBe(false);
  });
});
