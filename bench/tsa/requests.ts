/** The bench's timestamp requests, made before the clock starts: 1,024 distinct SHA-256 digests, each with a nonce. */
import crypto from 'node:crypto';

/** A DER TimeStampReq for SHA-256 with a nonce: SEQ { 1, SEQ { SEQ { OID sha256 }, OCTET STRING }, nonce, certReq? }. */
export function derRequest(digest: Buffer, nonce: bigint, certReq: boolean): Buffer {
  const n = Buffer.from(nonce.toString(16).padStart(16, '0'), 'hex');
  const nonceTlv = Buffer.concat([Buffer.of(0x02, n.length + (n[0]! & 0x80 ? 1 : 0)), n[0]! & 0x80 ? Buffer.of(0) : Buffer.alloc(0), n]);
  const imprint = Buffer.concat([Buffer.from('302f300b0609608648016503040201 0420'.replace(/ /g, ''), 'hex'), digest]);
  const body = Buffer.concat([Buffer.from('020101', 'hex'), imprint, nonceTlv, certReq ? Buffer.from('0101ff', 'hex') : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/** `count` requests over distinct artifacts: DER, or upstream's JSON form. */
export function timestampRequests(count: number, options: { json: boolean; cert: boolean }): Array<Buffer | string> {
  return Array.from({ length: count }, (_, i) => {
    const digest = crypto.createHash('sha256').update(`artifact ${i}`).digest();
    return options.json
      ? JSON.stringify({ artifactHash: digest.toString('base64'), hashAlgorithm: 'sha256', nonce: i + 1, certificates: options.cert })
      : derRequest(digest, BigInt(i + 1) << 40n, options.cert);
  });
}
