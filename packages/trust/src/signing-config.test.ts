import { describe, expect, it } from 'vitest';
import { buildClientTrustConfig } from './client-trust-config.js';
import { buildSigningConfig, type SigningConfigOptions } from './signing-config.js';
import { buildTrustedRoot } from './trusted-root.js';

const base: SigningConfigOptions = {
  caUrls: ['https://fulcio.example.internal'],
  oidcUrls: ['https://idp.example.internal'],
  rekorTlogUrls: ['https://rekor.example.internal/'],
  tsaUrls: ['https://tsa.example.internal/api/v1/timestamp'],
  operator: 'example.com',
  validFrom: new Date('2026-01-01T00:00:00.600Z'),
};
const service = (url: string, majorApiVersion = 1) => ({
  url, majorApiVersion, validFor: { start: '2026-01-01T00:00:00Z' }, operator: 'example.com',
});

describe('buildSigningConfig', () => {
  it('matches the v0.2 document clients read, Fulcio at major version 1, selectors ANY', () => {
    expect(buildSigningConfig(base)).toEqual({
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service('https://fulcio.example.internal')],
      oidcUrls: [service('https://idp.example.internal')],
      rekorTlogUrls: [service('https://rekor.example.internal')],
      rekorTlogConfig: { selector: 'ANY' },
      tsaUrls: [service('https://tsa.example.internal/api/v1/timestamp')],
      tsaConfig: { selector: 'ANY' },
    });
  });

  it('emits empty lists for services not mounted, and no TSA selector without a TSA (sigstore-js, sigstore-python)', () => {
    const config = buildSigningConfig({ ...base, oidcUrls: [], tsaUrls: [] });
    expect(config.oidcUrls).toEqual([]);
    expect(config.tsaUrls).toEqual([]);
    expect(config).not.toHaveProperty('tsaConfig');
  });

  it('lets one service carry its own version, dates and operator', () => {
    const config = buildSigningConfig({
      ...base,
      rekorTlogUrls: [
        { url: 'https://log2026-1.rekor.example', majorApiVersion: 2, validFrom: new Date('2026-02-01T00:00:00Z'), operator: 'ops.example' },
        { url: 'https://rekor.example', validUntil: new Date('2026-12-31T23:59:59.999Z') },
      ],
    });
    expect(config.rekorTlogUrls).toEqual([
      { url: 'https://log2026-1.rekor.example', majorApiVersion: 2, validFor: { start: '2026-02-01T00:00:00Z' }, operator: 'ops.example' },
      { url: 'https://rekor.example', majorApiVersion: 1, validFor: { start: '2026-01-01T00:00:00Z', end: '2026-12-31T23:59:59.999Z' }, operator: 'example.com' },
    ]);
  });

  it('refuses versions clients would never select', () => {
    for (const options of [
      { ...base, caUrls: [{ url: 'https://fulcio.example', majorApiVersion: 2 }] },
      { ...base, tsaUrls: [{ url: 'https://tsa.example/api/v1/timestamp', majorApiVersion: 2 }] },
      { ...base, rekorTlogUrls: [{ url: 'https://rekor.example', majorApiVersion: 3 }] },
    ]) {
      expect(() => buildSigningConfig(options)).toThrow(expect.objectContaining({ code: 'INVALID_SERVICE' }));
    }
  });

  it('refuses a Rekor v2 log without a timestamp authority', () => {
    const v2 = [{ url: 'https://log2026-1.rekor.example', majorApiVersion: 2 }];
    expect(() => buildSigningConfig({ ...base, rekorTlogUrls: v2, tsaUrls: [] })).toThrow(expect.objectContaining({ code: 'INVALID_SERVICE' }));
    expect(buildSigningConfig({ ...base, rekorTlogUrls: v2 }).rekorTlogUrls[0]?.majorApiVersion).toBe(2);
  });

  it('refuses an empty operator and a malformed URL', () => {
    expect(() => buildSigningConfig({ ...base, operator: ' ' })).toThrow(expect.objectContaining({ code: 'INVALID_SERVICE' }));
    expect(() => buildSigningConfig({ ...base, caUrls: ['fulcio'] })).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });
});

describe('buildClientTrustConfig', () => {
  it('wraps both documents under the ClientTrustConfig media type', () => {
    const trustedRoot = buildTrustedRoot({});
    const signingConfig = buildSigningConfig(base);
    expect(buildClientTrustConfig(trustedRoot, signingConfig)).toEqual({
      mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json',
      trustedRoot,
      signingConfig,
    });
  });
});
