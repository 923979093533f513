/** v2 signingCert bodies for the CA benchmarks, made before any clock starts. */
import crypto from 'node:crypto';

/** The identity every benchmark token is for (the development issuer mints any email). */
export const EMAIL = 'bench@example.com';

/** One request body per key, sigstore-js style (token in the body), each with its proof of possession over `email`. */
export function signingRequests(token: string, email: string, count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const proofOfPossession = crypto.sign('sha256', Buffer.from(email), privateKey).toString('base64');
    const content = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    return Buffer.from(JSON.stringify({ credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content }, proofOfPossession } }));
  });
}
