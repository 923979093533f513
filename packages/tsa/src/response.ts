import 'reflect-metadata';
import crypto from 'node:crypto';
import { Attribute, DigestAlgorithmIdentifiers, IssuerAndSerialNumber, SigningTime } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint, PKIStatus, PKIStatusInfo, TSTInfo } from '@peculiar/asn1-tsp';
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import { type Signer, bytesEqual, spkiDer } from '@sigbox/core';
import { TAG, setOf, tlv } from './der.js';
import { ContentTypeValue, EssCertIdV2, IssuerSerial, SigningCertificateV2 } from './ess.js';
import { encodedOnce, fixedValue } from './encoded.js';
import { TsaError } from './error.js';
import { integerBytes, randomSerial } from './integer.js';
import { HASHES, type HashName, OID } from './oids.js';
import type { TimestampRequest } from './request.js';
import { DER_NULL, digestAlgorithmIdentifier, signatureAlgorithmIdentifier, signerDigest } from './signature-algorithm.js';

export interface TimestamperOptions {
  signer: Signer;
  /** The TSA chain as DER, leaf first; the leaf's key must be the signer's. */
  chainDer: readonly Uint8Array[];
  /** The TSTInfo policy when the request names none; default the sigstore policy 1.3.6.1.4.1.57264.2. */
  policyOid?: string;
  /** Default `() => new Date()`; the time is truncated to whole seconds, as Go's encoding/asn1 writes it. */
  clock?: () => Date;
  /** Default 1 s (upstream's fixed `time.ParseDuration("1s")`). */
  accuracy?: { seconds?: number; millis?: number; micros?: number };
  /** Also embed the chain above the leaf when the client asks for certificates (upstream `--include-chain-in-response`). */
  includeChain?: boolean;
}

export interface TimestampResponseOptions extends TimestamperOptions {
  request: TimestampRequest;
  /** TSTInfo serialNumber, positive; default 159 random bits (RFC 3161 §2.4.2: unique per TSA, up to 160 bits). */
  serialNumber?: bigint;
}

/** A TSA bound to its signer and chain: what is per chain (the leaf parsed, the ESS attribute, the certificates) is done once. */
export interface Timestamper {
  /** The TSA chain, leaf first. */
  readonly chainDer: readonly Uint8Array[];
  respond(request: TimestampRequest, options?: { serialNumber?: bigint; clock?: () => Date }): Promise<Uint8Array>;
}

function digest(name: 'sha256' | 'sha384' | 'sha512', data: Uint8Array): ArrayBuffer {
  return new Uint8Array(crypto.createHash(name).update(data).digest()).buffer;
}

const oidDer = (oid: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));

const attribute = (attrType: string, value: unknown) => new Attribute({ attrType, attrValues: [AsnConvert.serialize(value)] });

/**
 * A TSA answering as sigstore/timestamp-authority does (pkg/api/timestamp.go at 027bd03ae621feff8b88c01f1f05c5369f4e7bcf,
 * signing through digitorus/timestamp and digitorus/pkcs7): a granted `TimeStampResp` (RFC 3161 §2.4.2) whose TSTInfo
 * v1 has the requested or default policy, the request's digest, accuracy 1 s, ordering false, the nonce echoed,
 * genTime as UTC GeneralizedTime in whole seconds and tsa = the leaf's subject; SignedData v3 whose one SignerInfo
 * (issuerAndSerialNumber) signs contentType, signingTime, messageDigest and signingCertificateV2 (RFC 5816:
 * ESSCertIDv2, the leaf hashed with the request's algorithm, with issuerSerial); the leaf embedded only when the
 * request sets certReq. Upstream answers bad requests with HTTP 400 and a JSON body, never with a `rejection`
 * TimeStampResp, so there is no rejection form here. The chain's profile is not checked here: run
 * `checkTsaLeaf` (chain.ts) when the chain is loaded.
 */
export function createTimestamper(options: TimestamperOptions): Timestamper {
  const { signer, chainDer } = options;
  const leafDer = chainDer[0];
  if (!leafDer) throw new TsaError('INVALID_CHAIN', 'the TSA chain is empty');
  const certificates = chainDer.map((der, i) => {
    try {
      const cert = AsnConvert.parse(der, Certificate);
      // Embedded certificates are re-encoded from the parse: they must come back byte for byte or their signatures break.
      if (!bytesEqual(new Uint8Array(AsnConvert.serialize(cert)), der)) throw new Error('not DER');
      return cert;
    } catch (err) {
      throw new TsaError('INVALID_CERTIFICATE', `TSA chain certificate ${i} is not a DER certificate`, { cause: err });
    }
  });
  const leaf = certificates[0]!;
  if (!bytesEqual(new Uint8Array(AsnConvert.serialize(leaf.tbsCertificate.subjectPublicKeyInfo)), spkiDer(signer.publicKey))) {
    throw new TsaError('INVALID_CHAIN', "the signer's key is not the TSA leaf's key");
  }
  const digestName = signerDigest(signer.algorithm);
  const issuerSerial = new IssuerSerial({
    issuer: new GeneralNames([new GeneralName({ directoryName: leaf.tbsCertificate.issuer })]),
    serialNumber: leaf.tbsCertificate.serialNumber,
  });
  // ESSCertIDv2 hashes the leaf with the request's algorithm; SHA-256, the DEFAULT, is left out (digitorus/timestamp
  // populateSigningCertificateV2Ext), the others are named with NULL parameters.
  const signingCertificate = Object.fromEntries(
    (Object.keys(HASHES) as HashName[]).map((name) => {
      const essCertId = new EssCertIdV2({
        ...(name === 'sha256' ? {} : { hashAlgorithm: new AlgorithmIdentifier({ algorithm: HASHES[name].oid, parameters: DER_NULL }) }),
        certHash: new OctetString(digest(name, leafDer)),
        issuerSerial,
      });
      return [name, attribute(OID.signingCertificateV2, new SigningCertificateV2({ certs: [essCertId] }))];
    }),
  ) as Record<HashName, Attribute>;
  // TSTInfo.tsa names the TSA by its certificate's subject, as upstream does (digitorus/timestamp populateTSTInfo).
  // TSTInfo's per-TSA fields are serialized once and enter every TSTInfo as their bytes (encoded.ts).
  const tsa = encodedOnce<GeneralName>(new GeneralName({ directoryName: leaf.tbsCertificate.subject }));
  const accuracy = encodedOnce<Accuracy>(new Accuracy(options.accuracy ?? { seconds: 1 }));
  const policy = options.policyOid ?? OID.sigstorePolicy;
  // The envelope's constant parts as DER, once per TSA; each response frames them around its own parts (der.ts).
  const der = (value: object) => new Uint8Array(AsnConvert.serialize(value));
  const contentTypeAttribute = der(attribute(OID.contentType, new ContentTypeValue(OID.tstInfo)));
  const signingCertificateAttribute = Object.fromEntries(Object.entries(signingCertificate).map(([name, a]) => [name, der(a)])) as Record<HashName, Uint8Array>;
  const sid = der(new IssuerAndSerialNumber({ issuer: leaf.tbsCertificate.issuer, serialNumber: leaf.tbsCertificate.serialNumber }));
  const digestAlgorithms = der(new DigestAlgorithmIdentifiers([digestAlgorithmIdentifier(digestName)]));
  const signerDigestAlgorithm = der(digestAlgorithmIdentifier(digestName));
  const signatureAlgorithm = der(signatureAlgorithmIdentifier(signer.algorithm));
  const granted = der(new PKIStatusInfo({ status: PKIStatus.granted }));
  const [tstInfoOid, signedDataOid, messageDigestOid] = [OID.tstInfo, OID.signedData, OID.messageDigest].map(oidDer) as [Uint8Array, Uint8Array, Uint8Array];
  const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
  const VERSION_3 = Uint8Array.of(TAG.INTEGER, 1, 3); // RFC 5652 §5.1: eContentType other than id-data
  // CertificateSet [0] IMPLICIT: the certificates as their own DER, in chain order, as asn1-schema's CertificateSet wrote them.
  const embedded = tlv(
    TAG.CONTEXT_0,
    ...(options.includeChain ? chainDer : [leafDer]).map((d, i) => {
      try {
        fixedValue(d);
        return d;
      } catch (err) {
        throw new TsaError('INVALID_CERTIFICATE', `TSA chain certificate ${i} is not a single DER value`, { cause: err });
      }
    }),
  );
  // signingTime changes once a second: its attribute is encoded once per genTime.
  let signingTime = { at: Number.NaN, der: new Uint8Array(0) };
  const signingTimeAttribute = (genTime: Date) => {
    if (signingTime.at !== genTime.getTime()) signingTime = { at: genTime.getTime(), der: der(attribute(OID.signingTime, new SigningTime(genTime))) };
    return signingTime.der;
  };

  return {
    chainDer,
    async respond(request, call = {}) {
      const now = (call.clock ?? options.clock ?? (() => new Date()))();
      const genTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const tstInfo = new TSTInfo({
        version: 1,
        policy: request.reqPolicy ?? policy,
        // Upstream writes the imprint's algorithm with NULL parameters whatever the request had (digitorus/timestamp
        // getMessageImprint); OpenSSL and sigstore verifiers accept NULL or absent alike.
        messageImprint: new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithm: HASHES[request.hashAlgorithm].oid, parameters: DER_NULL }),
          hashedMessage: new OctetString(request.digest),
        }),
        serialNumber: integerBytes(call.serialNumber ?? randomSerial()),
        genTime,
        accuracy,
        tsa,
        ordering: false,
        ...(request.nonce !== undefined ? { nonce: integerBytes(request.nonce) } : {}),
      });
      const tstInfoDer = der(tstInfo);
      // The signed attributes (RFC 5652 §5.3): contentType, signingTime, messageDigest, signingCertificateV2 as a DER
      // SET OF, sorted by encoding (X.690 §11.6); the signature covers the SET, the SignerInfo carries it as [0] IMPLICIT.
      const attributes = [
        contentTypeAttribute,
        signingTimeAttribute(genTime),
        tlv(TAG.SEQUENCE, messageDigestOid, tlv(TAG.SET, tlv(TAG.OCTET_STRING, new Uint8Array(digest(digestName, tstInfoDer))))),
        signingCertificateAttribute[request.hashAlgorithm],
      ];
      const signedAttributes = setOf(TAG.SET, attributes);
      const signature = await signer.sign(signedAttributes);
      // SignerInfo v1 (issuerAndSerialNumber) in SignedData v3 (RFC 5652 §5.1, §5.3), in a ContentInfo (§3), in a
      // granted TimeStampResp (RFC 3161 §2.4.2).
      const signerInfo = tlv(TAG.SEQUENCE, VERSION_1, sid, signerDigestAlgorithm, setOf(TAG.CONTEXT_0, attributes), signatureAlgorithm, tlv(TAG.OCTET_STRING, signature));
      const encapsulated = tlv(TAG.SEQUENCE, tstInfoOid, tlv(TAG.CONTEXT_0, tlv(TAG.OCTET_STRING, tstInfoDer)));
      const signedData = tlv(TAG.SEQUENCE, VERSION_3, digestAlgorithms, encapsulated, ...(request.certReq ? [embedded] : []), tlv(TAG.SET, signerInfo));
      return tlv(TAG.SEQUENCE, granted, tlv(TAG.SEQUENCE, signedDataOid, tlv(TAG.CONTEXT_0, signedData)));
    },
  };
}

/** One response (see {@link createTimestamper}); a server makes one Timestamper per chain and calls `respond`. */
export async function createTimestampResponse(options: TimestampResponseOptions): Promise<Uint8Array> {
  return createTimestamper(options).respond(options.request, options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber });
}
