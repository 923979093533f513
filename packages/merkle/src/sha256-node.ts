/**
 * SHA-256 specialised for the RFC 6962 interior node SHA-256(0x01 ‖ left ‖ right) with 32-byte children.
 *
 * Why not node:crypto: the message is always 65 bytes, two compression blocks, and on the benchmark
 * machine `crypto.hash` spends most of its ≈ 2 µs in per-call overhead (argument checks, an EVP context,
 * a new Buffer), not in the compression. Here the layout is fixed, so the words are read straight from
 * `left` and `right` (no copy into a scratch message), the second block is constant but for one byte,
 * and the only allocation is the 32-byte result. All arithmetic stays in int32 (`| 0`), which V8 keeps
 * in registers. See bench/merkle/README.md for the measurements that justify it.
 *
 * @see https://doi.org/10.6028/NIST.FIPS.180-4 (FIPS 180-4 §4.1.2 functions, §4.2.2 constants,
 *   §5.1.1 padding, §5.3.3 initial hash value, §6.2.2 computation)
 */

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

// FIPS 180-4 §5.3.3: H(0), the first 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0 = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

// RFC 6962 §2.1 interior-node prefix, the first message byte.
const NODE_PREFIX = 0x01;
// FIPS 180-4 §5.1.1 padding of the 65-byte message: byte 65 is 0x80 (second block, word 0, second byte),
// zeros, and the length in bits (65 × 8 = 520) in the last word; nothing else of block 2 varies.
const PAD_BYTE = 0x80;
const MESSAGE_BITS = 65 * 8;
const CHILD_SIZE = 32;

// Message schedule and chaining state, reused: the function is synchronous and not re-entrant, so one
// module-level scratch is safe and keeps the hot path allocation-free.
const W = new Int32Array(64);
const FIRST_BLOCK_KW = new Int32Array(64);
const H = new Int32Array(8);

/** Reads 4 message bytes as a big-endian int32 (FIPS 180-4 §3.1: words are big-endian). */
function be(a: number, b: number, c: number, d: number): number {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

/** Fills W[0..15] with block 1: 0x01 ‖ left[0..31] ‖ right[0..30]. Message byte k+1 is left[k]. */
function loadFirstBlock(left: Uint8Array, right: Uint8Array): void {
  W[0] = be(NODE_PREFIX, left[0]!, left[1]!, left[2]!);
  for (let i = 1; i < 8; i++) {
    const j = 4 * i - 1;
    W[i] = be(left[j]!, left[j + 1]!, left[j + 2]!, left[j + 3]!);
  }
  W[8] = be(left[31]!, right[0]!, right[1]!, right[2]!);
  for (let i = 9; i < 16; i++) {
    const j = 4 * i - 33;
    W[i] = be(right[j]!, right[j + 1]!, right[j + 2]!, right[j + 3]!);
  }
}

/**
 * FIPS 180-4 §6.2.2 step 1: expands W[0..15] to W[0..63] in place and writes K[t] + W[t] to `kw` at `at`,
 * the only form the rounds need.
 */
function schedule(kw: Int32Array, at: number): void {
  for (let t = 0; t < 16; t++) kw[at + t] = (W[t]! + K[t]!) | 0;
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    // §4.1.2 (4.6), (4.7): σ0, σ1
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    const w = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
    W[t] = w;
    kw[at + t] = (w + K[t]!) | 0;
  }
}

// Block 2 is right[31] ‖ 0x80 ‖ zeros ‖ 520: one free byte, so its 256 possible schedules (K already added)
// are computed once here (64 KiB) and block 2 skips the message expansion entirely.
const SECOND_BLOCK_KW = new Int32Array(256 * 64);
for (let byte = 0; byte < 256; byte++) {
  W.fill(0, 0, 16);
  W[0] = be(byte, PAD_BYTE, 0, 0);
  W[15] = MESSAGE_BITS;
  schedule(SECOND_BLOCK_KW, byte * 64);
}

// §4.1.2 (4.4), (4.5): Σ0 and Σ1 as rotations of an int32.
function bigSigma0(x: number): number {
  return ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
}
function bigSigma1(x: number): number {
  return ((x >>> 6) | (x << 26)) ^ ((x >>> 11) | (x << 21)) ^ ((x >>> 25) | (x << 7));
}

/**
 * FIPS 180-4 §6.2.2 steps 2–4: 64 rounds over K[t] + W[t] read from `kw` at `at`, added into H. Unrolled by
 * eight so the working variables change roles instead of being shifted every round; each round is
 * T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t], d += T1, h = T1 + Σ0(a) + Maj(a,b,c), with Ch (4.2) as
 * g ^ (e & (f ^ g)) and Maj (4.3) as (a & b) | (c & (a | b)), the same bits in fewer operations.
 */
function compress(kw: Int32Array, at: number): void {
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  for (let t = 0; t < 64; t += 8) {
    h = (h + bigSigma1(e) + (g ^ (e & (f ^ g))) + kw[at + t + 0]!) | 0;
    d = (d + h) | 0;
    h = (h + bigSigma0(a) + ((a & b) | (c & (a | b)))) | 0;
    g = (g + bigSigma1(d) + (f ^ (d & (e ^ f))) + kw[at + t + 1]!) | 0;
    c = (c + g) | 0;
    g = (g + bigSigma0(h) + ((h & a) | (b & (h | a)))) | 0;
    f = (f + bigSigma1(c) + (e ^ (c & (d ^ e))) + kw[at + t + 2]!) | 0;
    b = (b + f) | 0;
    f = (f + bigSigma0(g) + ((g & h) | (a & (g | h)))) | 0;
    e = (e + bigSigma1(b) + (d ^ (b & (c ^ d))) + kw[at + t + 3]!) | 0;
    a = (a + e) | 0;
    e = (e + bigSigma0(f) + ((f & g) | (h & (f | g)))) | 0;
    d = (d + bigSigma1(a) + (c ^ (a & (b ^ c))) + kw[at + t + 4]!) | 0;
    h = (h + d) | 0;
    d = (d + bigSigma0(e) + ((e & f) | (g & (e | f)))) | 0;
    c = (c + bigSigma1(h) + (b ^ (h & (a ^ b))) + kw[at + t + 5]!) | 0;
    g = (g + c) | 0;
    c = (c + bigSigma0(d) + ((d & e) | (f & (d | e)))) | 0;
    b = (b + bigSigma1(g) + (a ^ (g & (h ^ a))) + kw[at + t + 6]!) | 0;
    f = (f + b) | 0;
    b = (b + bigSigma0(c) + ((c & d) | (e & (c | d)))) | 0;
    a = (a + bigSigma1(f) + (h ^ (f & (g ^ h))) + kw[at + t + 7]!) | 0;
    e = (e + a) | 0;
    a = (a + bigSigma0(b) + ((b & c) | (d & (b | c)))) | 0;
  }
  H[0] = (H[0]! + a) | 0; H[1] = (H[1]! + b) | 0; H[2] = (H[2]! + c) | 0; H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0; H[5] = (H[5]! + f) | 0; H[6] = (H[6]! + g) | 0; H[7] = (H[7]! + h) | 0;
}

/** Writes H big-endian into a fresh 32-byte array. */
function digest(): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = v >>> 16;
    out[4 * i + 2] = v >>> 8;
    out[4 * i + 3] = v;
  }
  return out;
}

/**
 * SHA-256(0x01 ‖ left ‖ right) for two 32-byte children (RFC 6962 §2.1 MTH interior node). Returns a fresh
 * array. Callers must pass exactly 32-byte children; other sizes are the general hasher's job.
 *
 * @example
 * const root = hashNode32(hashLeaf(utf8('a')), hashLeaf(utf8('b')));
 */
export function hashNode32(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== CHILD_SIZE || right.length !== CHILD_SIZE) throw new RangeError('hashNode32 needs two 32-byte children');
  H.set(H0);
  loadFirstBlock(left, right);
  schedule(FIRST_BLOCK_KW, 0);
  compress(FIRST_BLOCK_KW, 0);
  compress(SECOND_BLOCK_KW, right[31]! * 64);
  return digest();
}
