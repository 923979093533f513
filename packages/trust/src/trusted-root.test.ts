import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { certificateAuthority, timestampAuthority } from './certificate-authority.js';
import { buildTrustedRoot } from './trusted-root.js';
import { transparencyLogInstance } from './transparency-log.js';
import type { CertificateAuthority, TransparencyLogInstance, TrustedRoot } from './types.js';

describe('buildTrustedRoot', () => {
  it('has the media type sigstore-go accepts and all four arrays when nothing is mounted', () => {
    expect(buildTrustedRoot({})).toEqual({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    });
  });

  it('keeps every entry in order, retired ones included, without sharing the caller arrays', () => {
    const tlog = (validUntil?: Date) =>
      transparencyLogInstance({ baseUrl: 'https://rekor.example', publicKey: createEphemeralSigner().publicKey,
        validFrom: new Date('2026-01-01T00:00:00Z'), ...(validUntil ? { validUntil } : {}) });
    const tlogs = [tlog(new Date('2026-02-01T00:00:00Z')), tlog()];
    const root = buildTrustedRoot({ tlogs });
    expect(root.tlogs).toEqual(tlogs);
    expect(root.tlogs).not.toBe(tlogs);
    expect(Object.keys(root)).toEqual(['mediaType', 'tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']);
  });
});

// Rebuild the public-good roots' entries from their own key bytes, chains and start times: every field we
// derive (key details, log ID, time format) must come out as Sigstore's own tooling wrote it.
const dir = vectorsDir('sigstore');
describe.skipIf(!dir)('rebuilding the public-good trust roots', () => {
  // A skipped suite's body still runs to collect its tests: without the vectors there is nothing to read.
  if (!dir) return;
  const roots = ['production', 'staging'].map((name) =>
    JSON.parse(fs.readFileSync(path.join(dir as string, `${name}.trusted_root.json`), 'utf8')) as TrustedRoot);

  const rebuildLog = (log: TransparencyLogInstance, keyId?: Uint8Array) =>
    transparencyLogInstance({
      baseUrl: log.baseUrl,
      publicKey: crypto.createPublicKey({ key: Buffer.from(log.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' }),
      validFrom: new Date(log.publicKey.validFor.start),
      ...(log.publicKey.validFor.end ? { validUntil: new Date(log.publicKey.validFor.end) } : {}),
      ...(keyId ? { keyId } : {}),
    });

  it('reproduces the first tlog (Rekor v1) field for field', () => {
    const [first] = roots[0]?.tlogs ?? [];
    expect(first?.baseUrl).toBe('https://rekor.sigstore.dev');
    expect(rebuildLog(first as TransparencyLogInstance)).toEqual(first);
  });

  // Staging still lists a retired CT key as PKCS#1 (`PKCS1_RSA_PKCS1V5`, deprecated); we only emit PKIX SPKI keys.
  const isPkix = (log: TransparencyLogInstance) => log.publicKey.keyDetails.startsWith('PKIX_');

  it('reproduces every v1 tlog and PKIX ctlog, the log ID being SHA-256 of the SPKI', () => {
    const logs = roots.flatMap((r) => [...r.tlogs.filter((l) => l.publicKey.keyDetails !== 'PKIX_ED25519'), ...r.ctlogs.filter(isPkix)]);
    expect(logs.length).toBeGreaterThan(3);
    for (const log of logs) expect(rebuildLog(log)).toEqual(log);
  });

  it('reproduces Rekor v2 tlogs when given the checkpoint key ID (origin ‖ 0x0A ‖ 0x01 ‖ key)', () => {
    const v2 = roots.flatMap((r) => r.tlogs.filter((l) => l.publicKey.keyDetails === 'PKIX_ED25519'));
    expect(v2.length).toBeGreaterThan(0);
    for (const log of v2) {
      const rawKey = encoding.fromBase64(log.publicKey.rawBytes).subarray(12); // Ed25519 SPKI = 12-byte prefix + key
      const keyId = crypto.createHash('sha256').update(`${new URL(log.baseUrl).hostname}\n`).update(Uint8Array.of(1)).update(rawKey).digest();
      expect(rebuildLog(log, new Uint8Array(keyId))).toEqual(log);
    }
  });

  it('reproduces every CA and TSA, whose chains are in issuer order', () => {
    const rebuild = (ca: CertificateAuthority, build: typeof certificateAuthority) =>
      build({
        subject: ca.subject,
        uri: ca.uri,
        chainDer: ca.certChain.certificates.map((c) => encoding.fromBase64(c.rawBytes)),
        validFrom: new Date(ca.validFor.start),
        ...(ca.validFor.end ? { validUntil: new Date(ca.validFor.end) } : {}),
      });
    for (const root of roots) {
      for (const ca of root.certificateAuthorities) expect(rebuild(ca, certificateAuthority)).toEqual(ca);
      for (const tsa of root.timestampAuthorities) expect(rebuild(tsa, timestampAuthority)).toEqual(tsa);
    }
  });

  it('has the same top-level shape as ours', () => {
    for (const root of roots) expect(Object.keys(root).sort()).toEqual(Object.keys(buildTrustedRoot({})).sort());
  });
});
