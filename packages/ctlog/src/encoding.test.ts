import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { decodeDigitallySigned, encodeDigitallySigned } from './digitally-signed.js';
import { CtError } from './errors.js';
import { decodePrecertExtraData, decodeX509ExtraData, encodePrecertExtraData, encodeX509ExtraData } from './extra-data.js';
import { type TimestampedEntry, decodeMerkleTreeLeaf, encodeMerkleTreeLeaf } from './merkle-tree-leaf.js';
import { createSctSigner, decodeSct, encodeSct, logIdOf, sctSignedData, signSct, verifySct } from './sct.js';
import { signTreeHead, treeHeadSignatureInput, verifyTreeHead } from './tree-head.js';

const hex = encoding.toHex;
const bytes = (h: string) => encoding.fromHex(h.replace(/\s+/g, ''));
const TIMESTAMP = 0x0000_0192_3456_789a; // 1_727_000_000_000-ish ms, every byte distinct
const issuerKeyHash = new Uint8Array(32).fill(0x11);
const tbs = bytes('3003020105');
const precert: TimestampedEntry = { timestamp: TIMESTAMP, entry: { type: 'precert', issuerKeyHash, tbsCertificate: tbs }, extensions: new Uint8Array(0) };
const x509: TimestampedEntry = { timestamp: TIMESTAMP, entry: { type: 'x509', certificate: bytes('3000') }, extensions: bytes('abcd') };

describe('MerkleTreeLeaf (RFC 6962 §3.4)', () => {
  it('lays out a precert entry byte for byte', () => {
    expect(hex(encodeMerkleTreeLeaf(precert))).toBe(
      `0000 000001923456789a 0001 ${'11'.repeat(32)} 000005 3003020105 0000`.replace(/\s+/g, ''),
    );
  });

  it('lays out an x509 entry byte for byte, with extensions', () => {
    expect(hex(encodeMerkleTreeLeaf(x509))).toBe('0000000001923456789a0000000002300000 02abcd'.replace(/\s+/g, ''));
  });

  it('decodes what it encodes and refuses trailing or missing bytes', () => {
    for (const entry of [precert, x509]) {
      const leaf = encodeMerkleTreeLeaf(entry);
      expect(decodeMerkleTreeLeaf(leaf)).toEqual(entry);
      expect(() => decodeMerkleTreeLeaf(Uint8Array.of(...leaf, 0))).toThrow(CtError);
      expect(() => decodeMerkleTreeLeaf(leaf.subarray(0, leaf.length - 1))).toThrow(/truncated/);
    }
    expect(() => decodeMerkleTreeLeaf(bytes('0000000001923456789a0002'))).toThrow(/entry type/);
  });
});

describe('SCT v1 (RFC 6962 §3.2)', () => {
  it('signs the same bytes as the leaf except the two leading type bytes', () => {
    // sct_version(0) ‖ signature_type(0) vs version(0) ‖ leaf_type(0): identical for v1, which is why ctfe can
    // rebuild an SCT from any logged leaf.
    expect(hex(sctSignedData(precert))).toBe(hex(encodeMerkleTreeLeaf(precert)));
  });

  it('serializes version, log ID, timestamp, extensions and DigitallySigned(4, 3)', async () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const sct = await signSct(signer, precert);
    const wire = encodeSct(sct);
    const sigLength = sct.signature.signature.length;
    expect(hex(wire.subarray(0, 1 + 32 + 8 + 2 + 2 + 2))).toBe(`00${hex(logIdOf(signer.publicKey))}000001923456789a0000 0403 ${sigLength.toString(16).padStart(4, '0')}`.replace(/\s+/g, ''));
    expect(wire.length).toBe(47 + sigLength);
    expect(decodeSct(wire)).toEqual(sct);
    expect(verifySct(signer.publicKey, sct, precert)).toBe(true);
  });

  it('rejects an SCT for other data, another key or another timestamp', async () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const sct = await signSct(signer, precert);
    expect(verifySct(signer.publicKey, sct, { entry: { type: 'precert', issuerKeyHash, tbsCertificate: bytes('3003020106') } })).toBe(false);
    expect(verifySct(createEphemeralSigner('ecdsa-p256').publicKey, sct, precert)).toBe(false);
    expect(verifySct(signer.publicKey, { ...sct, timestamp: sct.timestamp + 1 }, precert)).toBe(false);
    expect(() => decodeSct(Uint8Array.of(1, ...encodeSct(sct).subarray(1)))).toThrow(/version/);
  });

  it('signs many SCTs with one createSctSigner, each carrying its own copy of the log ID', async () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const sctSigner = createSctSigner(signer);
    const first = await sctSigner.sign(precert);
    first.logId.fill(0);
    const second = await sctSigner.sign(x509);
    expect(second.logId).toEqual(logIdOf(signer.publicKey));
    expect(verifySct(signer.publicKey, second, x509)).toBe(true);
  });

  it('round-trips a DigitallySigned', () => {
    const ds = { hashAlgorithm: 4, signatureAlgorithm: 3, signature: bytes('3006020101020102') };
    expect(hex(encodeDigitallySigned(ds))).toBe('040300083006020101020102');
    expect(decodeDigitallySigned(encodeDigitallySigned(ds))).toEqual(ds);
  });
});

describe('TreeHeadSignature (RFC 6962 §3.5)', () => {
  it('is version 0, type tree_hash(1), timestamp, size, root', async () => {
    const head = { timestamp: TIMESTAMP, treeSize: 0x0102n, rootHash: new Uint8Array(32).fill(0xee) };
    expect(hex(treeHeadSignatureInput(head))).toBe(`0001000001923456789a0000000000000102${'ee'.repeat(32)}`);
    const signer = createEphemeralSigner('ecdsa-p256');
    const sig = await signTreeHead(signer, head);
    expect(verifyTreeHead(signer.publicKey, head, sig)).toBe(true);
    expect(verifyTreeHead(signer.publicKey, { ...head, treeSize: 0x0103n }, sig)).toBe(false);
  });
});

describe('extra_data (RFC 6962 §4.6)', () => {
  const a = bytes('3001aa');
  const b = bytes('3002bbbb');

  it('encodes an x509 chain as u24 total ‖ (u24 len ‖ DER)*', () => {
    expect(hex(encodeX509ExtraData([a, b]))).toBe('00000d0000033001aa0000043002bbbb');
    expect(decodeX509ExtraData(encodeX509ExtraData([a, b]))).toEqual([a, b]);
    expect(hex(encodeX509ExtraData([]))).toBe('000000');
  });

  it('encodes a PrecertChainEntry as the precertificate, then the chain', () => {
    const entry = { precertificate: b, chain: [a] };
    expect(hex(encodePrecertExtraData(entry))).toBe('0000043002bbbb0000060000033001aa');
    expect(decodePrecertExtraData(encodePrecertExtraData(entry))).toEqual(entry);
    expect(() => decodePrecertExtraData(bytes('0000043002bbbb000007000003'))).toThrow(/truncated/);
  });
});
