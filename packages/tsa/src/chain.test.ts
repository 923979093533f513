import { spawnSync } from 'node:child_process';
import { createEphemeralSigner } from '@sigbox/core';
import { oid, testCertificate, tlv, toolAvailable } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { TsaError, checkTsaLeaf, createTsaChain } from './index.js';

const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };
const EKU = '2.5.29.37';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

async function chain(leafSigner = createEphemeralSigner()) {
  return createTsaChain({
    rootName: 'CN=root,O=sigbox test',
    intermediateName: 'CN=intermediate,O=sigbox test',
    leafName: 'CN=leaf,O=sigbox test',
    rootSigner: createEphemeralSigner('ecdsa-p384'),
    intermediateSigner: createEphemeralSigner(),
    leafPublicKey: leafSigner.publicKey,
    validity: VALIDITY,
  });
}

describe('createTsaChain and checkTsaLeaf', () => {
  it('accepts the chain it makes, with the leaf signer', async () => {
    const signer = createEphemeralSigner();
    const { chainDer, chainPem } = await chain(signer);
    expect(chainDer).toHaveLength(3);
    expect(chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    await expect(checkTsaLeaf(chainDer, signer.publicKey)).resolves.toBeUndefined();
  });

  it.runIf(toolAvailable('openssl', 'reads the certificate profile independently'))('writes the certmaker profile (OpenSSL reads it)', async () => {
    const { chainDer } = await chain();
    const text = (der: Uint8Array) => spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: der }).stdout.toString();
    const [leaf, intermediate, root] = chainDer.map(text) as [string, string, string];
    expect(root).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(intermediate).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(intermediate).toMatch(/Extended Key Usage: \s+Time Stamping/);
    expect(leaf).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(leaf).toMatch(/Extended Key Usage: critical\s+Time Stamping\n/);
    expect(leaf).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(leaf).toContain('Authority Key Identifier');
  });

  it("refuses a signer whose key is not the leaf's", async () => {
    const { chainDer } = await chain();
    await expect(checkTsaLeaf(chainDer, createEphemeralSigner().publicKey)).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
  });

  it('refuses a chain whose certificates do not sign each other, or a lone leaf', async () => {
    const a = await chain();
    const b = await chain();
    await expect(checkTsaLeaf([a.chainDer[0]!, a.chainDer[1]!, b.chainDer[2]!])).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
    await expect(checkTsaLeaf([a.chainDer[0]!])).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
  });

  it('refuses leaves off the RFC 3161 §2.3 profile', async () => {
    const root = await testCertificate({ name: 'CN=root', ca: true });
    const eku = (...oids: string[]) => [{ oid: EKU, value: tlv(0x30, ...oids.map(oid)) }];
    const leaves = {
      'non-critical EKU': await testCertificate({ name: 'CN=a', issuer: root, extensions: eku(TIME_STAMPING) }),
      'a second EKU': await testCertificate({ name: 'CN=b', issuer: root, extensions: eku(TIME_STAMPING, CODE_SIGNING) }),
      'no EKU': await testCertificate({ name: 'CN=c', issuer: root }),
      'a CA': await testCertificate({ name: 'CN=d', issuer: root, ca: true, extensions: eku(TIME_STAMPING) }),
    };
    for (const [why, leaf] of Object.entries(leaves)) {
      const err = await checkTsaLeaf([leaf.der, root.der]).catch((e: unknown) => e);
      expect(err, why).toBeInstanceOf(TsaError);
      expect((err as TsaError).code, why).toBe('INVALID_CERTIFICATE');
    }
  });

  it('refuses an inverted validity', async () => {
    await expect(
      createTsaChain({
        rootName: 'CN=r', intermediateName: 'CN=i', leafName: 'CN=l',
        rootSigner: createEphemeralSigner(), intermediateSigner: createEphemeralSigner(), leafPublicKey: createEphemeralSigner().publicKey,
        validity: { notBefore: VALIDITY.notAfter, notAfter: VALIDITY.notBefore },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
