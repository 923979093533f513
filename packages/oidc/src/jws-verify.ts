import crypto, { type KeyObject } from 'node:crypto';
import { p1363ToDer } from '@sigbox/core';
import { base64url } from 'jose';
import { OidcError } from './error.js';

/** How node:crypto verifies each JWS `alg` go-oidc accepts (RFC 7518 §3; `SUPPORTED_ALGORITHMS`). */
interface AlgorithmParameters {
  digest: 'sha256' | 'sha384' | 'sha512' | null;
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** RSASSA-PSS (RFC 7518 §3.5): MGF1 with the same hash, salt as long as the hash — exactly, as WebCrypto checks. */
  pssSaltLength?: number;
  /** ECDSA (RFC 7518 §3.4): the signature is r‖s, exactly this many bytes (twice the curve's coordinate size). */
  rawSignatureBytes?: number;
  /**
   * Verify on libuv's thread pool. Worth it for ECDSA and Ed25519 (≈ 80 and ≈ 130 µs a verification here, of
   * which ≈ 15 stay on the event loop); not for RSA, whose public operation (≈ 28 µs, e = 65537) costs less than
   * the hand-off to the pool (≈ 22 µs on the event loop and twice the CPU in all; bench/ca/README.md).
   */
  offload: boolean;
}

const rsa = (bits: 256 | 384 | 512, pss = false): AlgorithmParameters => ({ digest: `sha${bits}`, keyType: 'rsa', offload: false, ...(pss ? { pssSaltLength: bits / 8 } : {}) });
const ecdsa = (bits: 256 | 384 | 512, coordinateBytes: number): AlgorithmParameters => ({ digest: `sha${bits}`, keyType: 'ec', rawSignatureBytes: 2 * coordinateBytes, offload: true });

export const JWS_ALGORITHMS: Readonly<Record<string, AlgorithmParameters>> = {
  RS256: rsa(256), RS384: rsa(384), RS512: rsa(512),
  PS256: rsa(256, true), PS384: rsa(384, true), PS512: rsa(512, true),
  ES256: ecdsa(256, 32), ES384: ecdsa(384, 48), ES512: ecdsa(512, 66),
  EdDSA: { digest: null, keyType: 'ed25519', offload: true },
};

/** jose's floor for RS and PS keys (lib/key.js `checkModulusLength`); smaller keys fail before any signature check. */
const MIN_RSA_BITS = 2048;
// jose recognises exactly one critical header extension (RFC 7797 `b64`); a JWT must keep its payload encoded.
const RECOGNISED_CRITICAL = 'b64';

/** A compact JWS split and its protected header parsed; nothing verified yet. */
export interface CompactJws {
  header: Record<string, unknown>;
  alg: string;
  signingInput: Buffer;
  encodedPayload: string;
  encodedSignature: string;
}

const malformed = (detail: string, cause?: unknown) => new OidcError('MALFORMED_TOKEN', detail, cause === undefined ? {} : { cause });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url JSON object, as jose reads JWS headers and JWT claims (strict UTF-8, a plain object only). */
export function decodeJsonObject(encoded: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(base64url.decode(encoded)));
  } catch (cause) {
    throw malformed(`${what} is not base64url JSON`, cause);
  }
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) throw malformed(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** RFC 7515 §4.1.11: every `crit` entry must be understood; only `b64` is, and only `b64: true` suits a JWT. */
function checkCritical(header: Record<string, unknown>): void {
  const { crit } = header;
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((c) => typeof c !== 'string' || c === '')) throw malformed('"crit" must be an array of non-empty strings');
  if (crit.some((c) => c !== RECOGNISED_CRITICAL)) throw malformed('"crit" names an extension that is not recognised');
  if (header.b64 !== true) throw malformed('JWTs must not use an unencoded payload');
}

/**
 * Splits a compact JWS (RFC 7515 §7.1) and checks its protected header the way jose's `jwtVerify` does before it
 * touches a key: a JSON object, `crit` understood, `alg` a non-empty string and one the issuer allows.
 */
export function parseCompactJws(token: string, allowed: ReadonlySet<string>): CompactJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('a compact JWS has three parts');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJsonObject(encodedHeader, 'JWS protected header');
  checkCritical(header);
  const { alg } = header;
  if (typeof alg !== 'string' || alg === '') throw malformed('JWS "alg" header missing or invalid');
  if (!allowed.has(alg) || !Object.hasOwn(JWS_ALGORITHMS, alg)) throw new OidcError('ALGORITHM_NOT_ALLOWED', `"alg" ${alg} is not allowed for this issuer`);
  // base64url is ASCII by construction; anything else would not be the bytes the issuer signed.
  if (/[^\x20-\x7e]/.test(encodedHeader) || /[^\x20-\x7e]/.test(encodedPayload)) throw malformed('JWS parts must be ASCII');
  return { header, alg, signingInput: Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1'), encodedPayload, encodedSignature };
}

function keyInput(params: AlgorithmParameters, key: KeyObject): KeyObject | crypto.VerifyKeyObjectInput {
  if (params.pssSaltLength !== undefined) return { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: params.pssSaltLength };
  return key;
}

/**
 * What node:crypto is handed: ECDSA r‖s re-encoded as DER here. Node's own `dsaEncoding: 'ieee-p1363'` does
 * that conversion on the event loop at ≈ 55 µs a call (it looks up the curve order), more than the whole
 * thread-pool dispatch; a wrong length is refused as WebCrypto refuses it.
 */
function signatureInput(params: AlgorithmParameters, signature: Uint8Array): Uint8Array | undefined {
  if (params.rawSignatureBytes === undefined) return signature;
  return signature.length === params.rawSignatureBytes ? p1363ToDer(signature) : undefined;
}

/** A verification key with what is asked of it per token read once (each `asymmetricKeyDetails` read is a C++ call). */
export interface JwsKey {
  readonly key: KeyObject;
  /** RSA modulus length; 0 for other key types. */
  readonly modulusBits: number;
}

export function toJwsKey(key: KeyObject): JwsKey {
  return { key, modulusBits: key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength ?? 0 : 0 };
}

function verifyInline(params: AlgorithmParameters, jws: CompactJws, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return crypto.verify(params.digest, jws.signingInput, keyInput(params, key), signature);
  } catch {
    return false;
  }
}

function verifyOnThreadPool(params: AlgorithmParameters, jws: CompactJws, key: KeyObject, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      crypto.verify(params.digest, jws.signingInput, keyInput(params, key), signature, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false); // argument errors throw synchronously: a failed verification either way
    }
  });
}

/**
 * Verifies the JWS signature with node:crypto (ECDSA and EdDSA on libuv's thread pool, RSA inline: see
 * `offload`). The key must suit the algorithm (jose selects it from the JWKS by `kty`/`crv`/`alg`;
 * checked again here), RSA keys have at least 2,048 bits.
 *
 * @throws OidcError MALFORMED_TOKEN (signature not base64url), JWKS_FAILED (RSA key too small),
 *   INVALID_SIGNATURE (wrong key type or the signature does not verify).
 */
export async function verifyJwsSignature(jws: CompactJws, { key, modulusBits }: JwsKey): Promise<void> {
  const params = JWS_ALGORITHMS[jws.alg] as AlgorithmParameters;
  let signature: Uint8Array;
  try {
    signature = base64url.decode(jws.encodedSignature);
  } catch (cause) {
    throw malformed('JWS signature is not base64url', cause);
  }
  if (key.type !== 'public' || key.asymmetricKeyType !== params.keyType) throw new OidcError('INVALID_SIGNATURE', `the key does not suit ${jws.alg}`);
  if (params.keyType === 'rsa' && modulusBits < MIN_RSA_BITS) {
    throw new OidcError('JWKS_FAILED', `${jws.alg} requires an RSA key of at least ${MIN_RSA_BITS} bits`);
  }
  const encoded = signatureInput(params, signature);
  const verified = encoded !== undefined && (params.offload ? await verifyOnThreadPool(params, jws, key, encoded) : verifyInline(params, jws, key, encoded));
  if (!verified) throw new OidcError('INVALID_SIGNATURE', 'JWS signature verification failed');
}
