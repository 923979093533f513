import 'reflect-metadata';
import crypto, { type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Extension, Extensions, Name, SubjectPublicKeyInfo, TBSCertificate, Validity, Version } from '@peculiar/asn1-x509';
import { type Signer, bytesEqual, spkiDer, toPem } from '@sigbox/core';
import { TsaError } from './error.js';
import { integerBytes, randomSerial } from './integer.js';
import { signatureAlgorithmIdentifier } from './signature-algorithm.js';

export interface TsaValidity {
  notBefore: Date;
  notAfter: Date;
}

export interface TsaChainOptions {
  /** Distinguished names in RFC 4514 form, e.g. `CN=sigbox TSA root,O=example`. */
  rootName: string;
  intermediateName: string;
  leafName: string;
  rootSigner: Signer;
  intermediateSigner: Signer;
  /** Only the leaf's public key is needed: the TSA signer itself may live in an HSM. */
  leafPublicKey: KeyObject;
  validity: TsaValidity;
  /** Intermediate carries EKU timeStamping (default true): what upstream's --enforce-intermediate-eku checks. */
  intermediateTimestampingEku?: boolean;
}

export interface TsaChain {
  /** Leaf first, then intermediate, then root: the order of GET /api/v1/timestamp/certchain and trusted_root.json. */
  chainDer: Uint8Array[];
  chainPem: string;
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING, as Go's x509.CreateCertificate does. */
function keyId(spki: Uint8Array): string {
  const parsed = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return crypto.createHash('sha1').update(new Uint8Array(parsed.subjectPublicKey)).digest('hex');
}

const asn1Extension = (ext: x509.Extension) => AsnConvert.parse(ext.rawData, Extension);

/**
 * Builds the TBSCertificate from @peculiar/x509's names and extensions and has the signer sign it, so the key never
 * leaves the signer (a file or an HSM): @peculiar/x509's generator wants a WebCrypto key.
 */
async function issue(t: { issuer: string; subject: string; spki: Uint8Array; validity: TsaValidity; extensions: x509.Extension[]; signer: Signer }): Promise<Uint8Array> {
  if (t.validity.notAfter <= t.validity.notBefore) throw new TsaError('INVALID_OPTIONS', 'notAfter must follow notBefore');
  const signatureAlgorithm = signatureAlgorithmIdentifier(t.signer.algorithm);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: integerBytes(randomSerial()),
    signature: signatureAlgorithm,
    issuer: AsnConvert.parse(new x509.Name(t.issuer).toArrayBuffer(), Name),
    validity: new Validity(t.validity),
    subject: AsnConvert.parse(new x509.Name(t.subject).toArrayBuffer(), Name),
    subjectPublicKeyInfo: AsnConvert.parse(t.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(t.extensions.map(asn1Extension)),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = await t.signer.sign(tbsDer);
  return new Uint8Array(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm, signatureValue: new Uint8Array(signature).buffer })));
}

/**
 * A TSA chain after sigstore/timestamp-authority's certificate maker templates (pkg/certmaker/templates at
 * 027bd03ae621feff8b88c01f1f05c5369f4e7bcf): root KU certSign+crlSign, CA pathlen 1; intermediate KU certSign+crlSign,
 * CA pathlen 0 (+ EKU timeStamping, see {@link TsaChainOptions.intermediateTimestampingEku}); leaf KU
 * digitalSignature, critical EKU timeStamping only, CA false (RFC 3161 §2.3). SKI on all, AKI below the root, as
 * Go's x509.CreateCertificate adds them.
 */
export async function createTsaChain(options: TsaChainOptions): Promise<TsaChain> {
  const rootSpki = spkiDer(options.rootSigner.publicKey);
  const intermediateSpki = spkiDer(options.intermediateSigner.publicKey);
  const leafSpki = spkiDer(options.leafPublicKey);
  const caUsage = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
  const root = await issue({
    issuer: options.rootName,
    subject: options.rootName,
    spki: rootSpki,
    validity: options.validity,
    signer: options.rootSigner,
    extensions: [new x509.KeyUsagesExtension(caUsage, true), new x509.BasicConstraintsExtension(true, 1, true), new x509.SubjectKeyIdentifierExtension(keyId(rootSpki))],
  });
  const intermediate = await issue({
    issuer: options.rootName,
    subject: options.intermediateName,
    spki: intermediateSpki,
    validity: options.validity,
    signer: options.rootSigner,
    extensions: [
      new x509.KeyUsagesExtension(caUsage, true),
      ...(options.intermediateTimestampingEku === false ? [] : [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], false)]),
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.SubjectKeyIdentifierExtension(keyId(intermediateSpki)),
      new x509.AuthorityKeyIdentifierExtension(keyId(rootSpki)),
    ],
  });
  const leaf = await issue({
    issuer: options.intermediateName,
    subject: options.leafName,
    spki: leafSpki,
    validity: options.validity,
    signer: options.intermediateSigner,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectKeyIdentifierExtension(keyId(leafSpki)),
      new x509.AuthorityKeyIdentifierExtension(keyId(intermediateSpki)),
    ],
  });
  const chainDer = [leaf, intermediate, root];
  return { chainDer, chainPem: chainDer.map((der) => toPem('CERTIFICATE', der)).join('') };
}

/**
 * Checks a loaded TSA chain as upstream's VerifyCertChain does (pkg/x509/x509.go at
 * 027bd03ae621feff8b88c01f1f05c5369f4e7bcf): at least leaf + root; the leaf an end entity whose only EKU is
 * timeStamping, marked critical (RFC 3161 §2.3); every certificate above it a CA; each signed by the next; the
 * leaf's key the signer's. Throws INVALID_CHAIN / INVALID_CERTIFICATE.
 */
export async function checkTsaLeaf(chainDer: readonly Uint8Array[], signerPublicKey?: KeyObject): Promise<void> {
  if (chainDer.length < 2) throw new TsaError('INVALID_CHAIN', 'certificate chain must contain at least two certificates');
  let certs: x509.X509Certificate[];
  try {
    certs = chainDer.map((der) => new x509.X509Certificate(der));
  } catch (err) {
    throw new TsaError('INVALID_CERTIFICATE', 'a TSA chain certificate does not parse', { cause: err });
  }
  const [leaf] = certs as [x509.X509Certificate, ...x509.X509Certificate[]];
  const isCa = (c: x509.X509Certificate) => c.getExtension(x509.BasicConstraintsExtension)?.ca === true;
  if (isCa(leaf)) throw new TsaError('INVALID_CERTIFICATE', 'leaf certificate must be an end-entity certificate, not a CA');
  const ekus = leaf.extensions.filter((e) => e.type === '2.5.29.37');
  const eku = ekus.length === 1 ? new x509.ExtendedKeyUsageExtension(ekus[0]!.rawData) : undefined;
  if (!eku || eku.usages.length !== 1 || eku.usages[0] !== x509.ExtendedKeyUsage.timeStamping) {
    throw new TsaError('INVALID_CERTIFICATE', 'certificate should only contain one EKU, timeStamping');
  }
  if (!eku.critical) throw new TsaError('INVALID_CERTIFICATE', 'certificate must set EKU to critical');
  for (const [i, cert] of certs.entries()) {
    if (i > 0 && !isCa(cert)) throw new TsaError('INVALID_CHAIN', 'certificate is not a CA certificate');
    const issuer = certs[i + 1] ?? cert;
    const ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }, crypto.webcrypto as unknown as typeof globalThis.crypto).catch(() => false);
    if (!ok) throw new TsaError('INVALID_CHAIN', `certificate ${i} is not signed by the next one in the chain`);
  }
  if (signerPublicKey && !bytesEqual(new Uint8Array(leaf.publicKey.rawData), spkiDer(signerPublicKey))) {
    throw new TsaError('INVALID_CHAIN', "the signer's key is not the TSA leaf's key");
  }
}
