import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralSigner, createKeySigner, encoding, generatePrivateKey, sha256, spkiDer } from '@sigbox/core';
import { hashLeaf, verifyInclusion } from '@sigbox/merkle';
import { type TestCa, createTestCa, createTestDatabase, databaseEngines, openssl, pythonModuleAvailable, runPython, toolAvailable } from '@sigbox/testkit';
import { OID, encodeSctList, parseCertificate, removeExtension } from '@sigbox/x509';
import { type CtLogHarness, startCtLog } from './__fixtures__/ct-log.js';
import type { CtLog } from './ct-log.js';
import { decodeDigitallySigned } from './digitally-signed.js';
import { CtError } from './errors.js';
import { encodeMerkleTreeLeaf } from './merkle-tree-leaf.js';
import { decodeSct, verifySct } from './sct.js';
import { verifyTreeHead } from './tree-head.js';

const PYTHON_WHY = 'verifies SCTs as sigstore-python does (pip install cryptography)';
/**
 * sigstore-python's check (sigstore/_internal/sct.py): the SCT from the final certificate's extension, the signed
 * data rebuilt from `tbs_precertificate_bytes` and the issuer's key hash, verified with the CT key.
 */
const PYTHON_VERIFY_SCT = `
import sys, json, hashlib, struct, datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.certificate_transparency import LogEntryType, Version
d = json.load(sys.stdin)
cert = x509.load_der_x509_certificate(bytes.fromhex(d["cert"]))
issuer = x509.load_der_x509_certificate(bytes.fromhex(d["issuer"]))
key = serialization.load_der_public_key(bytes.fromhex(d["key"]))
spki = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
scts = cert.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps).value
assert len(scts) == 1, "exactly one SCT"
sct = scts[0]
assert sct.version == Version.v1 and sct.entry_type == LogEntryType.PRE_CERTIFICATE
assert sct.log_id == hashlib.sha256(spki(key)).digest(), "log id"
assert isinstance(sct.signature_hash_algorithm, hashes.SHA256)
ts = sct.timestamp.replace(tzinfo=None)
delta = ts - datetime.datetime(1970, 1, 1)
ms = (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
tbs = cert.tbs_precertificate_bytes
ext = sct.extension_bytes
data = struct.pack(">BBQH", 0, 0, ms, 1) + hashlib.sha256(spki(issuer.public_key())).digest()
data += len(tbs).to_bytes(3, "big") + tbs + struct.pack(">H", len(ext)) + ext
key.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
print(json.dumps({"timestamp": ms}))
`;

const hex = encoding.toHex;

describe.each(databaseEngines())('CT log on %s', (engine) => {
  let ct: CtLogHarness;
  let ca: TestCa;
  let log: CtLog;
  const privateKey = generatePrivateKey('ecdsa-p256');
  const signer = createKeySigner(privateKey);

  beforeAll(async () => {
    ct = await startCtLog(await createTestDatabase({ engine }), privateKey);
    ({ ca, log } = ct);
  });
  afterAll(() => ct?.close());

  async function submitPrecert() {
    const draft = ca.draft();
    const precert = await draft.precertificate();
    const added = await log.addPreChain([precert.der, ca.intermediate.der, ca.root.der]);
    return { draft, precert, added };
  }

  it('answers add-pre-chain with an SCT that verifies over the final certificate, as clients check it', async () => {
    const { draft, added } = await submitPrecert();
    const sct = decodeSct(added.sct);
    expect(added.response).toEqual({
      sct_version: 0,
      id: encoding.toBase64(sha256(spkiDer(signer.publicKey))),
      timestamp: sct.timestamp,
      extensions: '',
      signature: encoding.toBase64(added.sct.subarray(1 + 32 + 8 + 2)), // version, log ID, timestamp, empty extensions
    });
    expect(decodeDigitallySigned(encoding.fromBase64(added.response.signature))).toEqual(sct.signature);
    const final = parseCertificate((await draft.certificate(encodeSctList([added.sct]))).der);
    // A verifier rebuilds the precert TBS by deleting the SCT list extension from the final certificate.
    const entry = { type: 'precert' as const, issuerKeyHash: sha256(parseCertificate(ca.intermediate.der).spki), tbsCertificate: removeExtension(final.tbs, OID.ctSctList) };
    expect(verifySct(signer.publicKey, sct, { entry })).toBe(true);
    expect(verifySct(ca.intermediate.signer.publicKey, sct, { entry })).toBe(false);
  });

  it.skipIf(!pythonModuleAvailable('cryptography', PYTHON_WHY))("verifies with Python's cryptography as sigstore-python does", async () => {
    const { draft, added } = await submitPrecert();
    const final = await draft.certificate(encodeSctList([added.sct]));
    const input = { cert: hex(final.der), issuer: hex(ca.intermediate.der), key: hex(spkiDer(signer.publicKey)) };
    expect(runPython<{ timestamp: number }>(PYTHON_VERIFY_SCT, input)).toEqual({ timestamp: added.response.timestamp });
    const otherKey = { ...input, key: hex(spkiDer(createEphemeralSigner('ecdsa-p256').publicKey)) };
    expect(() => runPython(PYTHON_VERIFY_SCT, otherKey)).toThrow(/log id/);
  });

  it.skipIf(!toolAvailable('openssl', 'openssl x509 -text lists the embedded SCT'))('shows up in openssl x509 -text with our log ID', async () => {
    const { draft, added } = await submitPrecert();
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text'], (await draft.certificate(encodeSctList([added.sct]))).der);
    expect(text).toContain('CT Precertificate SCTs');
    const squashed = text.replace(/[\s:]/g, '').toUpperCase();
    expect(squashed).toContain(`LOGID${hex(log.logId).toUpperCase()}`);
    expect(squashed).toContain(`ECDSA-WITH-SHA256${hex(decodeSct(added.sct).signature.signature).toUpperCase()}`);
  });

  it('logs the precertificate: get-proof-by-hash of its MerkleTreeLeaf verifies against a signed get-sth', async () => {
    const { precert, added } = await submitPrecert();
    const leaf = encodeMerkleTreeLeaf({
      timestamp: added.response.timestamp,
      entry: { type: 'precert', issuerKeyHash: sha256(parseCertificate(ca.intermediate.der).spki), tbsCertificate: removeExtension(parseCertificate(precert.der).tbs, OID.ctPoison) },
      extensions: new Uint8Array(0),
    });
    const sth = await log.getSth();
    const rootHash = encoding.fromBase64(sth.sha256_root_hash);
    const signature = decodeDigitallySigned(encoding.fromBase64(sth.tree_head_signature));
    expect(verifyTreeHead(signer.publicKey, { timestamp: sth.timestamp, treeSize: BigInt(sth.tree_size), rootHash }, signature)).toBe(true);
    expect(sth.timestamp).toBeGreaterThanOrEqual(added.response.timestamp);
    const proof = await log.getProofByHash(encoding.toBase64(hashLeaf(leaf)), sth.tree_size);
    expect(BigInt(proof.leaf_index)).toBe(added.leafIndex);
    expect(() => verifyInclusion(added.leafIndex, BigInt(sth.tree_size), hashLeaf(leaf), proof.audit_path.map((h) => encoding.fromBase64(h)), rootHash)).not.toThrow();
  });

  it('gives a resubmitted precertificate its original SCT timestamp and index, logging nothing new', async () => {
    const { precert, added } = await submitPrecert();
    const before = await ct.tree.latest();
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later clock reading for the second submission
    const again = await log.addPreChain([precert.der, ca.intermediate.der]); // another chain for the same leaf
    expect(again.duplicate).toBe(true);
    expect(again.leafIndex).toBe(added.leafIndex);
    expect(again.response.timestamp).toBe(added.response.timestamp);
    expect((await ct.tree.latest()).size).toBe(before.size);
    const viaIssuer = await log.sctIssuer.logPrecertificate(precert.der, [ca.intermediate.der, ca.root.der]);
    expect(decodeSct(viaIssuer).timestamp).toBe(added.response.timestamp);
  });

  it('issues SCTs to the CA through sctIssuer, and accepts a chain that stops below the root', async () => {
    const draft = ca.draft('bob@example.com');
    const precert = await draft.precertificate();
    const serialized = await log.sctIssuer.logPrecertificate(precert.der, [ca.intermediate.der]);
    const sct = decodeSct(serialized);
    const final = parseCertificate((await draft.certificate(encodeSctList([serialized]))).der);
    const entry = { type: 'precert' as const, issuerKeyHash: sha256(parseCertificate(ca.intermediate.der).spki), tbsCertificate: removeExtension(final.tbs, OID.ctSctList) };
    expect(verifySct(signer.publicKey, sct, { entry })).toBe(true);
  });

  it('logs add-chain of a final certificate as an x509 entry whose SCT covers the whole certificate', async () => {
    const { draft, added: pre } = await submitPrecert();
    const final = await draft.certificate(encodeSctList([pre.sct]));
    const added = await log.addChain([final.der, ca.intermediate.der, ca.root.der]);
    expect(added.duplicate).toBe(false);
    expect(verifySct(signer.publicKey, decodeSct(added.sct), { entry: { type: 'x509', certificate: final.der } })).toBe(true);
  });

  describe('rejections leave the tree unchanged', () => {
    const rejects = async (submit: () => Promise<unknown>, message: RegExp) => {
      const before = await ct.tree.latest();
      const error = await submit().then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(CtError);
      expect(error).toMatchObject({ code: 'BAD_CHAIN', message: expect.stringMatching(message) });
      await ct.tree.integrate();
      expect((await ct.tree.latest()).size).toBe(before.size);
    };

    it('a chain to an unknown root', async () => {
      const other = await createTestCa({ commonName: 'other' });
      const precert = await other.draft().precertificate();
      await rejects(() => log.addPreChain([precert.der, other.intermediate.der, other.root.der]), /accepted root/);
      await rejects(() => log.addPreChain([precert.der, other.intermediate.der]), /accepted root/);
    });

    it('malformed DER, an empty chain, a broken link', async () => {
      const precert = await ca.draft().precertificate();
      await rejects(() => log.addPreChain([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)]), /certificate 0 cannot be parsed/);
      await rejects(() => log.addPreChain([precert.der, Uint8Array.of(...ca.intermediate.der, 0)]), /certificate 1 cannot be parsed/);
      await rejects(() => log.addPreChain([]), /empty/);
      await rejects(() => log.addPreChain([precert.der, ca.root.der]), /certificate 0 is not issued by certificate 1/);
    });

    it('a certificate without poison on add-pre-chain, a precertificate on add-chain', async () => {
      const draft = ca.draft();
      const [precert, plain] = [await draft.precertificate(), await draft.certificate()];
      await rejects(() => log.addPreChain([plain.der, ca.intermediate.der, ca.root.der]), /without the CT poison/);
      await rejects(() => log.addChain([precert.der, ca.intermediate.der, ca.root.der]), /precertificate submitted to add-chain/);
    });

    it('a leaf without extended key usage code signing', async () => {
      await rejects(() => log.addChain([ca.root.der]), /code signing/);
    });
  });

  it('bounds the in-process SCT issuer with a typed timeout', async () => {
    const slow = (await ct.open({ batchMaxAgeMs: 300, batchQuietMs: 0 }, { sctTimeoutMs: 20 })).log;
    const precert = await ca.draft().precertificate();
    await expect(slow.sctIssuer.logPrecertificate(precert.der, [ca.intermediate.der, ca.root.der])).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});
