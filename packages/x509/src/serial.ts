import crypto from 'node:crypto';

/** RFC 5280 §4.1.2.2: positive, at most 20 octets. */
export const MAX_SERIAL = (1n << 159n) - 1n;

/**
 * A random positive serial below 2^159, like sigstore cryptoutils.GenerateSerialNumber: 159 random bits keep the
 * DER INTEGER within 20 octets with no 0x00 pad. Zero (probability 2^-159) is redrawn.
 */
export function randomSerial(): bigint {
  for (;;) {
    const bytes = nextRandom();
    bytes[0] = (bytes[0] as number) & 0x7f;
    const serial = BigInt(`0x${bytes.toString('hex')}`);
    if (serial > 0n) return serial;
  }
}

// One getrandom call per 204 serials instead of one per serial: the syscall dominated issuance profiles.
// Same CSPRNG output, consumed once each (Node's randomUUID keeps a similar cache).
const SERIAL_BYTES = 20;
const pool = Buffer.alloc(SERIAL_BYTES * 204);
let poolOffset = pool.length;

function nextRandom(): Buffer {
  if (poolOffset === pool.length) {
    crypto.randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + SERIAL_BYTES));
  pool.fill(0, poolOffset, poolOffset + SERIAL_BYTES);
  poolOffset += SERIAL_BYTES;
  return out;
}

export function isValidSerial(serial: bigint): boolean {
  return serial > 0n && serial <= MAX_SERIAL;
}
