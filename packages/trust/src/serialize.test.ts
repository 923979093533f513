import { describe, expect, it } from 'vitest';
import { buildSigningConfig } from './signing-config.js';
import { serializeTrustDocument } from './serialize.js';
import { buildTrustedRoot } from './trusted-root.js';

describe('serializeTrustDocument', () => {
  it('writes 2-space JSON with a trailing newline', () => {
    expect(serializeTrustDocument(buildTrustedRoot({}))).toBe(
      '{\n  "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",\n  "tlogs": [],\n' +
        '  "certificateAuthorities": [],\n  "ctlogs": [],\n  "timestampAuthorities": []\n}\n',
    );
  });

  it('is byte-identical for documents built twice from the same inputs and parses back', () => {
    const build = () => buildSigningConfig({ caUrls: ['https://fulcio.example'], rekorTlogUrls: ['https://rekor.example'],
      operator: 'example.com', validFrom: new Date('2026-01-01T00:00:00Z') });
    const text = serializeTrustDocument(build());
    expect(serializeTrustDocument(build())).toBe(text);
    expect(JSON.parse(text)).toEqual(build());
  });

  it('omits unset (undefined) fields as proto3 JSON does', () => {
    expect(serializeTrustDocument({ start: '2026-01-01T00:00:00Z', end: undefined })).toBe('{\n  "start": "2026-01-01T00:00:00Z"\n}\n');
  });
});
