import { describe, expect, it } from 'vitest';
import { OciError } from './error.js';
import { formatReference, isLoopbackRegistry, parseReference, registryBaseUrl, repositoryName } from './reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }],
    ['myorg/app:1.2', { registry: 'docker.io', repository: 'myorg/app', tag: '1.2', digest: undefined }],
    ['index.docker.io/library/alpine:3', { registry: 'docker.io', repository: 'library/alpine', tag: '3', digest: undefined }],
    ['127.0.0.1:5000/sigbox/v3:latest', { registry: '127.0.0.1:5000', repository: 'sigbox/v3', tag: 'latest', digest: undefined }],
    [`localhost/a/b/c@${DIGEST}`, { registry: 'localhost', repository: 'a/b/c', tag: undefined, digest: DIGEST }],
    [`ghcr.io/o/r:v1@${DIGEST}`, { registry: 'ghcr.io', repository: 'o/r', tag: 'v1', digest: DIGEST }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: 'latest', digest: undefined }],
  ])('%s', (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });

  it.each([
    ['Upper/case', 'lower-case'],
    ['ghcr.io/o/r@sha256:abc', 'digest'],
    ['ghcr.io/o/r:-bad', 'bad tag'],
    ['ghcr.io/', 'lower-case'],
    ['ghcr.io/a//b', 'lower-case'],
    ['bad_host.io:x/a', 'bad registry'],
    [`r.io/${'a'.repeat(260)}`, 'longer than 255'],
  ])('refuses %s', (ref, why) => {
    const err = (() => {
      try {
        parseReference(ref);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(OciError);
    expect(err).toMatchObject({ code: 'INVALID_REFERENCE' });
    expect((err as Error).message).toContain(why);
  });

  it('writes references back and names repositories without tag or digest', () => {
    const ref = parseReference(`127.0.0.1:5000/sigbox/app:v1@${DIGEST}`);
    expect(formatReference(ref)).toBe(`127.0.0.1:5000/sigbox/app:v1@${DIGEST}`);
    expect(repositoryName(ref)).toBe('127.0.0.1:5000/sigbox/app');
  });
});

describe('registryBaseUrl', () => {
  it('speaks plain HTTP to loopback registries only, as go-containerregistry', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost')).toBe('http://localhost');
    expect(registryBaseUrl('[::1]:5000')).toBe('http://[::1]:5000');
    expect(registryBaseUrl('127.0.0.1.nip.io')).toBe('https://127.0.0.1.nip.io');
    expect(registryBaseUrl('localhost.evil.example:443')).toBe('https://localhost.evil.example:443');
    expect(registryBaseUrl('docker.io')).toBe('https://index.docker.io');
    expect(registryBaseUrl('registry.example', () => true)).toBe('http://registry.example');
    expect(isLoopbackRegistry('127.1.2.3:80')).toBe(true);
  });
});
