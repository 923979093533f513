// The envelope is framed from DER parts (der.ts) since 2026-12-07; before, asn1-schema serialized all of it. These
// responses were recorded from the asn1-schema version: a deterministic signer (Ed25519), a fixed chain, clock and
// serials, so any change to the bytes (order, lengths, a tag) shows here before a verifier sees it.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKeySigner } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { parseJsonTimestampRequest, parseTimestampRequest } from './request.js';
import { createTimestamper } from './response.js';

/** The sha256 of the 16 responses below as the asn1-schema encoder wrote them. */
const RECORDED = 'e1c4fa7395ac664f71c371928fdb0064c04022645877e5867a5f83f68556c0de';

const ed25519 = (n: number) => crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, n)]), format: 'der', type: 'pkcs8' });
const chainDer = (JSON.parse(readFileSync(new URL('./__fixtures__/golden-chain.json', import.meta.url), 'utf8')) as string[]).map((h) => new Uint8Array(Buffer.from(h, 'hex')));

/** DER TimeStampReq for SHA-256 of `artifact i`, nonce (i + 1) << 40, certReq as asked. */
function derRequest(i: number, certReq: boolean): Uint8Array {
  const digest = crypto.createHash('sha256').update(`artifact ${i}`).digest();
  const n = Buffer.from((BigInt(i + 1) << 40n).toString(16).padStart(16, '0'), 'hex');
  const body = Buffer.concat([Buffer.from('020101302f300b06096086480165030402010420', 'hex'), digest, Buffer.of(0x02, n.length), n, certReq ? Buffer.from('0101ff', 'hex') : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

describe('response bytes', () => {
  it('are the bytes the asn1-schema encoder wrote (leaf or whole chain embedded, sha256/384/512 requests)', async () => {
    const signer = createKeySigner(ed25519(1));
    const out: string[] = [];
    for (const includeChain of [false, true]) {
      const tsa = createTimestamper({ signer, chainDer, includeChain, clock: () => new Date(1_800_000_000_123) });
      const requests = [0, 1, 2].map((i) => parseTimestampRequest(derRequest(i, false)));
      requests.push(...[0, 1, 2].map((i) => parseTimestampRequest(derRequest(i, true))));
      requests.push(parseJsonTimestampRequest(JSON.stringify({ artifactHash: crypto.createHash('sha384').update('x').digest('base64'), hashAlgorithm: 'sha384', certificates: true })));
      requests.push(parseJsonTimestampRequest(JSON.stringify({ artifactHash: crypto.createHash('sha512').update('x').digest('base64'), hashAlgorithm: 'sha512' })));
      for (const [i, r] of requests.entries()) out.push(Buffer.from(await tsa.respond(r, { serialNumber: BigInt(i + 1) * 0x123456789abcdefn })).toString('hex'));
    }
    expect(crypto.createHash('sha256').update(out.join('\n')).digest('hex')).toBe(RECORDED);
  });
});
