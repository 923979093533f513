import crypto, { type KeyObject } from 'node:crypto';

/**
 * `crypto.verify` in its callback form: the hashing of `data` and the public-key operation run on libuv's thread
 * pool, so a request with many signatures leaves the event loop free between them (the main thread only copies
 * `data` into the job). False for a signature that does not verify and for anything OpenSSL refuses (a malformed
 * signature, an algorithm the key does not take); never rejects.
 */
export function verifyOffLoop(algorithm: string | null, data: Uint8Array, key: KeyObject, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      crypto.verify(algorithm, data, key, signature, (err, verified) => resolve(err === null && verified));
    } catch {
      resolve(false); // argument errors are thrown synchronously, before any job is queued
    }
  });
}
