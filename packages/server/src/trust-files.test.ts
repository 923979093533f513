import { X509Certificate, createPublicKey } from 'node:crypto';
import { createEphemeralSigner, parsePemBlocks, spkiDer, toPem } from '@sigbox/core';
import { createTestCa } from '@sigbox/testkit';
import {
  TrustError,
  buildTrustedRoot,
  certificateAuthority,
  ctLogInstance,
  serializeTrustDocument,
  transparencyLogInstance,
  type TrustedRoot,
} from '@sigbox/trust';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRUST_FILE_NAMES, buildTrustFiles, earliestStart, sigboxSigningConfig, trustFileLocations, type TrustFile } from './trust-files.js';

const URL_ = 'https://sigbox.example.internal:8443';
const REKOR_START = new Date('2026-02-03T04:05:06.789Z');
const CT_START = new Date('2026-02-01T00:00:00Z');
const CA_START = new Date('2026-02-02T00:00:00Z');

const rekorSigner = createEphemeralSigner();
const ctSigner = createEphemeralSigner();
let chainDer: Uint8Array[];
let root: TrustedRoot;

beforeAll(async () => {
  ({ chainDer } = await createTestCa({ commonName: 'sigbox root', organization: 'sigbox', validity: { notBefore: CA_START, notAfter: new Date('2036-01-01T00:00:00Z') } }));
  root = buildTrustedRoot({
    tlogs: [transparencyLogInstance({ baseUrl: URL_, publicKey: rekorSigner.publicKey, validFrom: REKOR_START })],
    certificateAuthorities: [certificateAuthority({ subject: { organization: 'sigbox', commonName: 'sigbox root' }, uri: URL_, chainDer, validFrom: CA_START })],
    ctlogs: [ctLogInstance({ baseUrl: URL_, publicKey: ctSigner.publicKey, validFrom: CT_START })],
  });
});

const pemOf = (key: typeof rekorSigner) => toPem('PUBLIC KEY', spkiDer(key.publicKey));

function files(oidcUrl?: string): Map<string, TrustFile> {
  const signingConfig = sigboxSigningConfig({ publicUrl: URL_, oidcUrl, trustedRoot: root });
  const list = buildTrustFiles({ trustedRoot: root, signingConfig, caChainDer: chainDer, rekorPublicKeyPem: pemOf(rekorSigner), ctPublicKeyPem: pemOf(ctSigner) });
  return new Map(list.map((f) => [f.name, f]));
}

const body = (map: Map<string, TrustFile>, name: string) => map.get(name)?.body ?? '';
const json = (map: Map<string, TrustFile>, name: string) => JSON.parse(body(map, name)) as Record<string, unknown>;

describe('buildTrustFiles', () => {
  it('builds the six files with their content types', () => {
    const map = files();
    expect([...map.keys()]).toEqual(Object.values(TRUST_FILE_NAMES));
    for (const name of ['trusted_root.json', 'signing_config.v0.2.json', 'trust_config.json']) expect(map.get(name)?.contentType).toBe('application/json');
    for (const name of ['fulcio_v1.crt.pem', 'rekor.pub', 'ctfe.pub']) expect(map.get(name)?.contentType).toBe('application/x-pem-file');
  });

  it('writes each JSON document with the media type clients insist on', () => {
    const map = files();
    expect(body(map, 'trusted_root.json')).toBe(serializeTrustDocument(root));
    expect(json(map, 'trusted_root.json').mediaType).toBe('application/vnd.dev.sigstore.trustedroot+json;version=0.1');
    expect(json(map, 'signing_config.v0.2.json').mediaType).toBe('application/vnd.dev.sigstore.signingconfig.v0.2+json');
    const trustConfig = json(map, 'trust_config.json');
    expect(trustConfig.mediaType).toBe('application/vnd.dev.sigstore.clienttrustconfig.v0.1+json');
    expect(trustConfig.trustedRoot).toEqual(json(map, 'trusted_root.json'));
    expect(trustConfig.signingConfig).toEqual(json(map, 'signing_config.v0.2.json'));
  });

  it('writes the CA chain intermediate first, then the self-signed root, as Go PEM', () => {
    const text = body(files(), 'fulcio_v1.crt.pem');
    const blocks = parsePemBlocks(text);
    expect(blocks.map((b) => b.type)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    const [intermediate, anchor] = blocks.map((b) => new X509Certificate(b.der));
    expect(anchor?.checkIssued(anchor)).toBe(true);
    expect(intermediate?.checkIssued(intermediate)).toBe(false);
    expect(intermediate?.verify((anchor as X509Certificate).publicKey)).toBe(true);
    expect(text).toBe(chainDer.map((der) => toPem('CERTIFICATE', der)).join(''));
  });

  it('writes the log keys as the PEM of the key in the trusted root, re-wrapped as Go does', () => {
    const rewrapped = pemOf(rekorSigner).replace(/\n/g, '\r\n').replace('-----BEGIN PUBLIC KEY-----\r\n', 'junk before\n-----BEGIN PUBLIC KEY-----\r\n');
    const signingConfig = sigboxSigningConfig({ publicUrl: URL_, trustedRoot: root });
    const list = buildTrustFiles({ trustedRoot: root, signingConfig, caChainDer: chainDer, rekorPublicKeyPem: rewrapped, ctPublicKeyPem: pemOf(ctSigner) });
    const map = new Map(list.map((f) => [f.name, f]));
    expect(body(map, 'rekor.pub')).toBe(pemOf(rekorSigner));
    const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
    expect(spki(body(map, 'rekor.pub'))).toBe(root.tlogs[0]?.publicKey.rawBytes);
    expect(spki(body(map, 'ctfe.pub'))).toBe(root.ctlogs[0]?.publicKey.rawBytes);
    expect(body(map, 'ctfe.pub')).not.toBe(body(map, 'rekor.pub'));
  });

  it('refuses an empty chain or a key that is not one PEM public key', () => {
    const signingConfig = sigboxSigningConfig({ publicUrl: URL_, trustedRoot: root });
    const inputs = { trustedRoot: root, signingConfig, caChainDer: chainDer, rekorPublicKeyPem: pemOf(rekorSigner), ctPublicKeyPem: pemOf(ctSigner) };
    expect(() => buildTrustFiles({ ...inputs, caChainDer: [] })).toThrow(TrustError);
    expect(() => buildTrustFiles({ ...inputs, ctPublicKeyPem: toPem('CERTIFICATE', chainDer[0] as Uint8Array) })).toThrow(/PUBLIC KEY|CERTIFICATE/);
  });
});

describe('sigboxSigningConfig', () => {
  it('lists the CA (Fulcio API version 1) and the Rekor v1 log at the public URL, no TSA (nor its selector), ANY selector', () => {
    const config = sigboxSigningConfig({ publicUrl: URL_, trustedRoot: root });
    const service = { url: URL_, majorApiVersion: 1, validFor: { start: '2026-02-01T00:00:00Z' }, operator: 'sigbox.example.internal' };
    expect(config).toEqual({
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service],
      oidcUrls: [],
      rekorTlogUrls: [service],
      rekorTlogConfig: { selector: 'ANY' },
      tsaUrls: [],
    });
  });

  it('lists the development issuer only when given', () => {
    const config = sigboxSigningConfig({ publicUrl: `${URL_}/`, oidcUrl: `${URL_}/oidc`, trustedRoot: root });
    expect(config.oidcUrls).toEqual([{ url: `${URL_}/oidc`, majorApiVersion: 1, validFor: { start: '2026-02-01T00:00:00Z' }, operator: 'sigbox.example.internal' }]);
    expect(config.caUrls[0]?.url).toBe(URL_);
  });

  it('starts every service in the past and no later than any key', () => {
    const config = sigboxSigningConfig({ publicUrl: URL_, oidcUrl: `${URL_}/oidc`, trustedRoot: root });
    const keyStarts = [root.tlogs[0], root.ctlogs[0]].map((t) => Date.parse(t?.publicKey.validFor.start ?? ''));
    keyStarts.push(Date.parse(root.certificateAuthorities[0]?.validFor.start ?? ''));
    for (const service of [...config.caUrls, ...config.oidcUrls, ...config.rekorTlogUrls]) {
      const start = Date.parse(service.validFor.start);
      expect(start).toBeLessThan(Date.now());
      for (const keyStart of keyStarts) expect(start).toBeLessThanOrEqual(keyStart);
    }
  });
});

describe('earliestStart', () => {
  it('takes the minimum over logs, CT logs and CAs, whatever the timestamp precision', () => {
    expect(earliestStart(root).toISOString()).toBe(CT_START.toISOString());
    const late = (start: string) => ({ ...root, ctlogs: root.ctlogs.map((c) => ({ ...c, publicKey: { ...c.publicKey, validFor: { start } } })) });
    expect(earliestStart(late('2026-02-02T00:00:00.5Z')).toISOString()).toBe(CA_START.toISOString());
  });

  it('refuses a root without keys', () => {
    expect(() => earliestStart(buildTrustedRoot({}))).toThrow(TrustError);
  });
});

describe('trustFileLocations', () => {
  it('places each file in the folder under its served name', () => {
    expect(trustFileLocations('/var/lib/sigbox')).toEqual({
      trustedRoot: '/var/lib/sigbox/trusted_root.json',
      signingConfig: '/var/lib/sigbox/signing_config.v0.2.json',
      clientTrustConfig: '/var/lib/sigbox/trust_config.json',
      caChain: '/var/lib/sigbox/fulcio_v1.crt.pem',
      rekorKey: '/var/lib/sigbox/rekor.pub',
      ctKey: '/var/lib/sigbox/ctfe.pub',
    });
  });
});
