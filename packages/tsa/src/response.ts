import 'reflect-metadata';
import crypto from 'node:crypto';
import { Attribute, CertificateChoices, CertificateSet, DigestAlgorithmIdentifiers, EncapsulatedContent, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerIdentifier, SignerInfo, SignerInfos, SigningTime } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Accuracy, MessageImprint, PKIStatus, PKIStatusInfo, TSTInfo, TimeStampResp, TimeStampToken } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import { type Signer, bytesEqual, spkiDer } from '@sigbox/core';
import { AttributeSet, ContentTypeValue, EssCertIdV2, IssuerSerial, SigningCertificateV2 } from './ess.js';
import { TsaError } from './error.js';
import { HASHES, OID } from './oids.js';
import type { TimestampRequest } from './request.js';
import { digestAlgorithmIdentifier, signatureAlgorithmIdentifier, signerDigest } from './signature-algorithm.js';

export interface TimestampResponseOptions {
  request: TimestampRequest;
  signer: Signer;
  /** The TSA chain as DER, leaf first; the leaf's key must be the signer's. */
  chainDer: readonly Uint8Array[];
  /** The TSTInfo policy when the request names none; default the sigstore policy 1.3.6.1.4.1.57264.2. */
  policyOid?: string;
  /** Default `() => new Date()`; the time is truncated to whole seconds, as Go's encoding/asn1 writes it. */
  clock?: () => Date;
  /** TSTInfo serialNumber, positive; default 159 random bits (RFC 3161 §2.4.2: unique per TSA, up to 160 bits). */
  serialNumber?: bigint;
  /** Default 1 s (upstream's fixed `time.ParseDuration("1s")`). */
  accuracy?: { seconds?: number; millis?: number; micros?: number };
  /** Also embed the chain above the leaf when the client asks for certificates (upstream `--include-chain-in-response`). */
  includeChain?: boolean;
}

/** A positive INTEGER's minimal two's-complement content; signed for nonces. */
export function integerBytes(value: bigint): ArrayBuffer {
  const negative = value < 0n;
  let hex = (negative ? -value - 1n : value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (negative) bytes = Buffer.from(bytes.map((b) => ~b & 0xff));
  const pad = negative ? 0xff : 0x00;
  if (bytes.length === 0 || ((bytes[0] ?? 0) & 0x80) !== (pad & 0x80)) bytes = Buffer.concat([Buffer.of(pad), bytes]);
  return new Uint8Array(bytes).buffer;
}

function randomSerial(): bigint {
  const bytes = crypto.randomBytes(20);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return BigInt(`0x${bytes.toString('hex')}`) || 1n;
}

function digest(name: 'sha256' | 'sha384' | 'sha512', data: Uint8Array): ArrayBuffer {
  return new Uint8Array(crypto.createHash(name).update(data).digest()).buffer;
}

const attribute = (attrType: string, value: unknown) => new Attribute({ attrType, attrValues: [AsnConvert.serialize(value)] });

/**
 * A granted `TimeStampResp` (RFC 3161 §2.4.2) as sigstore/timestamp-authority makes it (pkg/api/timestamp.go at
 * 027bd03ae621feff8b88c01f1f05c5369f4e7bcf, signing through digitorus/timestamp and digitorus/pkcs7): TSTInfo v1 with
 * the requested or default policy, the request's imprint, accuracy 1 s, ordering false, the nonce echoed, genTime as
 * UTC GeneralizedTime; SignedData v3 whose one SignerInfo (issuerAndSerialNumber) signs contentType, signingTime,
 * messageDigest and signingCertificateV2 (RFC 5816 ESSCertIDv2 over the leaf); the leaf certificate embedded only
 * when the request sets certReq. Upstream answers bad requests with HTTP 400 and a JSON body, never with a
 * `rejection` TimeStampResp, so there is no rejection form here.
 */
export async function createTimestampResponse(options: TimestampResponseOptions): Promise<Uint8Array> {
  const { request, signer, chainDer } = options;
  const leafDer = chainDer[0];
  if (!leafDer) throw new TsaError('INVALID_CHAIN', 'the TSA chain is empty');
  let leaf: Certificate;
  try {
    leaf = AsnConvert.parse(leafDer, Certificate);
  } catch (err) {
    throw new TsaError('INVALID_CERTIFICATE', 'the TSA leaf does not parse', { cause: err });
  }
  if (!bytesEqual(new Uint8Array(AsnConvert.serialize(leaf.tbsCertificate.subjectPublicKeyInfo)), spkiDer(signer.publicKey))) {
    throw new TsaError('INVALID_CHAIN', "the signer's key is not the TSA leaf's key");
  }
  const now = (options.clock ?? (() => new Date()))();
  const genTime = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const accuracy = options.accuracy ?? { seconds: 1 };
  const tstInfo = new TSTInfo({
    version: 1,
    policy: request.reqPolicy ?? options.policyOid ?? OID.sigstorePolicy,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({
        algorithm: HASHES[request.hashAlgorithm].oid,
        ...(request.hashParameters ? { parameters: request.hashParameters.slice().buffer } : {}),
      }),
      hashedMessage: new OctetString(request.digest),
    }),
    serialNumber: integerBytes(options.serialNumber ?? randomSerial()),
    genTime,
    accuracy: new Accuracy(accuracy),
    ordering: false,
    ...(request.nonce !== undefined ? { nonce: integerBytes(request.nonce) } : {}),
  });
  const tstInfoDer = new Uint8Array(AsnConvert.serialize(tstInfo));

  const digestName = signerDigest(signer.algorithm);
  const issuerSerial = new IssuerSerial({
    issuer: new GeneralNames([new GeneralName({ directoryName: leaf.tbsCertificate.issuer })]),
    serialNumber: leaf.tbsCertificate.serialNumber,
  });
  const essCertId = new EssCertIdV2({ certHash: new OctetString(digest('sha256', leafDer)), issuerSerial });
  const attributes = [
    attribute(OID.contentType, new ContentTypeValue(OID.tstInfo)),
    attribute(OID.signingTime, new SigningTime(genTime)),
    attribute(OID.messageDigest, new OctetString(digest(digestName, tstInfoDer))),
    attribute(OID.signingCertificateV2, new SigningCertificateV2({ certs: [essCertId] })),
  ];
  // DER orders a SET OF by its members' encodings (X.690 §11.6); the signature covers exactly that order.
  const sorted = attributes
    .map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map(({ a }) => a);
  const signedAttrsDer = new Uint8Array(AsnConvert.serialize(new AttributeSet(sorted)));
  const signature = await signer.sign(signedAttrsDer);

  const certificates = !request.certReq
    ? undefined
    : new CertificateSet(
        (options.includeChain ? chainDer : [leafDer]).map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) })),
      );
  const signedData = new SignedData({
    version: 3, // RFC 5652 §5.1: eContentType other than id-data
    digestAlgorithms: new DigestAlgorithmIdentifiers([digestAlgorithmIdentifier(digestName)]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: OID.tstInfo,
      eContent: new EncapsulatedContent({ single: new OctetString(tstInfoDer) }),
    }),
    ...(certificates ? { certificates } : {}),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: 1,
        sid: new SignerIdentifier({
          issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: leaf.tbsCertificate.issuer, serialNumber: leaf.tbsCertificate.serialNumber }),
        }),
        digestAlgorithm: digestAlgorithmIdentifier(digestName),
        signedAttrs: sorted,
        signatureAlgorithm: signatureAlgorithmIdentifier(signer.algorithm),
        signature: new OctetString(signature),
      }),
    ]),
  });
  const token = new TimeStampToken({ contentType: OID.signedData, content: AsnConvert.serialize(signedData) });
  const response = new TimeStampResp({ status: new PKIStatusInfo({ status: PKIStatus.granted }), timeStampToken: token });
  return new Uint8Array(AsnConvert.serialize(response));
}
