import { p1363ToDer as rawToDer } from '@sigbox/core';
import { Pkcs11Error } from './error.js';

/**
 * CKM_ECDSA returns r‖s, each as wide as the curve order (PKCS#11 v2.40 curr. mech. §2.3.1, the IEEE P1363
 * form); Sigstore clients verify the ASN.1 form (RFC 5480 §2.2), which is what core's Signer promises. A
 * token answering with another width is a device fault, not an encoding question, hence the check here.
 */
export function p1363ToDer(signature: Uint8Array, size: number): Uint8Array {
  if (signature.length !== 2 * size) {
    throw new Pkcs11Error('DEVICE_ERROR', `ECDSA signature of ${signature.length} bytes, expected ${2 * size}`);
  }
  return rawToDer(signature);
}
