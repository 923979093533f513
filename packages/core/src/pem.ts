import { CoreError } from './error.js';
import { asBytes } from './encoding.js';

export interface PemBlock {
  type: string;
  der: Uint8Array;
}

const PEM_BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END \1-----/g;

/**
 * Encodes DER as PEM byte for byte as Go's `pem.EncodeToMemory` does: 64-character lines, `\n` endings and
 * a trailing newline. Rekor leaves embed PEM, so any other layout changes the leaf hash.
 */
export function toPem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${type}-----\n${body}-----END ${type}-----\n`;
}

/** Every PEM block in `text`, in order. Text between blocks is ignored, as Go's `pem.Decode` loop does. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK_RE)) {
    const b64 = (m[2] ?? '').replace(/\r?\n/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new CoreError('INVALID_PEM', `malformed base64 in PEM block ${m[1]}`);
    }
    blocks.push({ type: m[1] ?? '', der: asBytes(Buffer.from(b64, 'base64')) });
  }
  return blocks;
}

/** The single PEM block of `expectedType` in `text`; anything else is an error. */
export function fromPem(text: string, expectedType?: string): Uint8Array {
  const blocks = parsePemBlocks(text);
  const block = blocks[0];
  if (blocks.length !== 1 || block === undefined) throw new CoreError('INVALID_PEM', `expected one PEM block, found ${blocks.length}`);
  if (expectedType !== undefined && block.type !== expectedType) {
    throw new CoreError('INVALID_PEM', `expected PEM type ${expectedType}, found ${block.type}`);
  }
  return block.der;
}
