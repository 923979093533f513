import { CtError } from './errors.js';

/**
 * The TLS presentation language subset RFC 6962 uses (RFC 5246 §4): big-endian integers and opaque vectors
 * with a 1-, 2- or 3-byte length prefix. `MAX_U24` bounds `opaque x<0..2^24-1>` (certificates, chains).
 */
export const MAX_U16 = 0xffff;
export const MAX_U24 = 0xff_ffff;

/** Appends TLS fields to a growing byte list; `bytes()` returns the concatenation. */
export class TlsWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(part: Uint8Array): this {
    this.parts.push(part);
    this.length += part.length;
    return this;
  }

  u8(value: number): this {
    return this.push(Uint8Array.of(value));
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U16) throw new CtError('MALFORMED', `u16 out of range: ${value}`);
    return this.push(Uint8Array.of(value >> 8, value & 0xff));
  }

  u24(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U24) throw new CtError('MALFORMED', `u24 out of range: ${value}`);
    return this.push(Uint8Array.of(value >> 16, (value >> 8) & 0xff, value & 0xff));
  }

  /** A u64 from a non-negative safe integer (millisecond timestamps, tree sizes). */
  u64(value: number | bigint): this {
    const big = BigInt(value);
    if (big < 0n || big > 0xffff_ffff_ffff_ffffn) throw new CtError('MALFORMED', `u64 out of range: ${value}`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, big);
    return this.push(out);
  }

  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length) throw new CtError('MALFORMED', `expected ${length} bytes, got ${bytes.length}`);
    return this.push(bytes);
  }

  /** `opaque x<0..2^16-1>`. */
  vector16(bytes: Uint8Array): this {
    return this.u16(bytes.length).push(bytes);
  }

  /** `opaque x<0..2^24-1>`. */
  vector24(bytes: Uint8Array): this {
    return this.u24(bytes.length).push(bytes);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** Reads TLS fields from `bytes`; every read past the end, and `end()` with bytes left over, is MALFORMED. */
export class TlsReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly input: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  private take(length: number): number {
    if (this.offset + length > this.input.length) throw new CtError('MALFORMED', `${this.what}: truncated`);
    const at = this.offset;
    this.offset += length;
    return at;
  }

  get remaining(): number {
    return this.input.length - this.offset;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u16(): number {
    return this.view.getUint16(this.take(2));
  }

  u24(): number {
    const at = this.take(3);
    return (this.view.getUint8(at) << 16) | this.view.getUint16(at + 1);
  }

  /** A u64 that must fit a safe integer (RFC 6962 timestamps are milliseconds: 2^53 ms is year 287396). */
  u64(): number {
    const value = this.view.getBigUint64(this.take(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CtError('MALFORMED', `${this.what}: u64 beyond 2^53`);
    return Number(value);
  }

  fixed(length: number): Uint8Array {
    const at = this.take(length);
    return this.input.slice(at, at + length);
  }

  vector16(): Uint8Array {
    return this.fixed(this.u16());
  }

  vector24(): Uint8Array {
    return this.fixed(this.u24());
  }

  end(): void {
    if (this.remaining !== 0) throw new CtError('MALFORMED', `${this.what}: ${this.remaining} trailing bytes`);
  }
}
