import 'reflect-metadata';
import crypto from 'node:crypto';
import { Attribute, CertificateSet, type CertificateChoices, DigestAlgorithmIdentifiers, EncapsulatedContent, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier, SignerInfo, SignerInfos, SigningTime } from '@peculiar/asn1-cms';
import { AsnConvert, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint, PKIStatus, PKIStatusInfo, TSTInfo, TimeStampResp, type TimeStampToken } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import { type Signer, bytesEqual, spkiDer } from '@sigbox/core';
import { AttributeSet, ContentTypeValue, EssCertIdV2, IssuerSerial, SigningCertificateV2 } from './ess.js';
import { contentInfo, encodedOnce, fixedValue, readOnly } from './encoded.js';
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
      return [name, encodedOnce<Attribute>(attribute(OID.signingCertificateV2, new SigningCertificateV2({ certs: [essCertId] })))];
    }),
  ) as Record<HashName, Attribute>;
  // TSTInfo.tsa names the TSA by its certificate's subject, as upstream does (digitorus/timestamp populateTSTInfo).
  // The per-TSA constants are serialized once and enter every response as their bytes (encoded.ts).
  const tsa = encodedOnce<GeneralName>(new GeneralName({ directoryName: leaf.tbsCertificate.subject }));
  const contentType = encodedOnce<Attribute>(attribute(OID.contentType, new ContentTypeValue(OID.tstInfo)));
  const sid = encodedOnce<SignerIdentifier>(
    new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: leaf.tbsCertificate.issuer, serialNumber: leaf.tbsCertificate.serialNumber }) }),
  );
  const digestAlgorithms = encodedOnce<DigestAlgorithmIdentifiers>(new DigestAlgorithmIdentifiers([digestAlgorithmIdentifier(digestName)]));
  const signerDigestAlgorithm = encodedOnce<AlgorithmIdentifier>(digestAlgorithmIdentifier(digestName));
  const signatureAlgorithm = encodedOnce<AlgorithmIdentifier>(signatureAlgorithmIdentifier(signer.algorithm));
  const granted = encodedOnce<PKIStatusInfo>(new PKIStatusInfo({ status: PKIStatus.granted }));
  // Each certificate enters the SignedData as its own DER (parsed once), never re-encoded from a schema object.
  const embedded = new CertificateSet(
    (options.includeChain ? chainDer : [leafDer]).map((der, i) => {
      try {
        return fixedValue(der) as unknown as CertificateChoices;
      } catch (err) {
        throw new TsaError('INVALID_CERTIFICATE', `TSA chain certificate ${i} does not re-encode to itself`, { cause: err });
      }
    }),
  );
  const accuracy = encodedOnce<Accuracy>(new Accuracy(options.accuracy ?? { seconds: 1 }));
  const policy = options.policyOid ?? OID.sigstorePolicy;

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
      const tstInfoDer = new Uint8Array(AsnConvert.serialize(tstInfo));
      const attributes = [
        contentType,
        attribute(OID.signingTime, new SigningTime(genTime)),
        attribute(OID.messageDigest, new OctetString(digest(digestName, tstInfoDer))),
        signingCertificate[request.hashAlgorithm],
      ];
      // DER orders a SET OF by its members' encodings (X.690 §11.6); the signature covers exactly that order. Each
      // attribute becomes an asn1js tree once and enters both the signed SET and the SignerInfo as that tree.
      const sorted = attributes
        .map((a) => {
          const tree = AsnSerializer.toASN(a);
          return { a: { toASN: () => tree, fromASN: readOnly } as unknown as Attribute, der: Buffer.from(tree.toBER(false)) };
        })
        .sort((x, y) => Buffer.compare(x.der, y.der))
        .map(({ a }) => a);
      const signature = await signer.sign(new Uint8Array(AsnConvert.serialize(new AttributeSet(sorted))));
      const signedData = new SignedData({
        version: 3, // RFC 5652 §5.1: eContentType other than id-data
        digestAlgorithms,
        encapContentInfo: new EncapsulatedContentInfo({
          eContentType: OID.tstInfo,
          eContent: new EncapsulatedContent({ single: new OctetString(tstInfoDer) }),
        }),
        ...(request.certReq ? { certificates: embedded } : {}),
        signerInfos: new SignerInfos([
          new SignerInfo({
            version: 1,
            sid,
            digestAlgorithm: signerDigestAlgorithm,
            signedAttrs: sorted,
            signatureAlgorithm,
            signature: new OctetString(signature),
          }),
        ]),
      });
      const token = contentInfo(OID.signedData, signedData) as unknown as TimeStampToken;
      const response = new TimeStampResp({ status: granted, timeStampToken: token });
      return new Uint8Array(AsnConvert.serialize(response));
    },
  };
}

/** One response (see {@link createTimestamper}); a server makes one Timestamper per chain and calls `respond`. */
export async function createTimestampResponse(options: TimestampResponseOptions): Promise<Uint8Array> {
  return createTimestamper(options).respond(options.request, options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber });
}
