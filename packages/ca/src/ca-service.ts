import { type Signer, parsePemBlocks } from '@sigbox/core';
import { type IssuerRegistry, OidcError, type Principal, verifyToken } from '@sigbox/oidc';
import { type LeafIssuer, X509Error, type X509ErrorCode, createLeafIssuer, encodeSctList, parseCsr, verifyProofOfPossessionAsync } from '@sigbox/x509';
import { CA_MESSAGES, CaError, type CaErrorCode } from './errors.js';
import type { IssuanceGate } from './issuance/issuance-gate.js';
import { checkSigningAlgorithm } from './key-policy.js';
import type { SctIssuer } from './sct-issuer.js';
import type { SigningRequest } from './signing-request.js';

export interface CaServiceDeps {
  issuers: IssuerRegistry;
  /** The issuing CA's key (file, HSM or development key). */
  signer: Signer;
  /** Issuing CA certificate first, root last (DER). */
  chainDer: readonly Uint8Array[];
  /** Certificate transparency: without it certificates carry no SCT (detached, empty). */
  sctIssuer?: SctIssuer;
  clock?: () => Date;
  /**
   * Who may have a certificate beyond holding a valid token (`--issuance-policy`): asked after the token and the
   * proof of possession verified, told afterwards whether the certificate was issued. Without it every verified
   * identity is issued, as Fulcio does.
   */
  gate?: IssuanceGate;
  /** Told why a request failed (never the token): the client only sees fulcio's generic texts. */
  onRejected?: (error: CaError) => void;
}

export interface IssuedSigningCertificate {
  /** Leaf first, then the issuing CA, …, the root (DER). */
  chainDer: Uint8Array[];
  /** Whether the leaf embeds its SCT (else the response is the detached form with an empty SCT). */
  embeddedSct: boolean;
}

export interface CaService {
  issueSigningCertificate(request: SigningRequest): Promise<IssuedSigningCertificate>;
  /** The chain above the leaves, issuing CA first (GET /api/v2/trustBundle, /api/v1/rootCert). */
  readonly chainDer: readonly Uint8Array[];
  readonly issuers: IssuerRegistry;
}

/**
 * Every x509 failure as the CA answers it: what the client sent (key, CSR, proof, an identity no certificate can
 * carry) is a 400 with fulcio's text, the rest are the CA's own faults. Total over X509ErrorCode, so a new code
 * cannot fall through to a 500 unnoticed.
 */
export const X509_TO_CA: Readonly<Record<X509ErrorCode, CaErrorCode>> = {
  INVALID_KEY: 'INVALID_PUBLIC_KEY',
  INSECURE_KEY: 'INSECURE_KEY',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  INVALID_CSR: 'INVALID_CSR',
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'INVALID_CSR',
  INVALID_IDENTITY: 'INVALID_IDENTITY',
  INVALID_REQUEST: 'CA_BACKEND',
  INVALID_CERTIFICATE: 'CA_BACKEND',
  INVALID_CHAIN: 'CA_BACKEND',
};

function asCaError(err: unknown, fallback: CaErrorCode): CaError {
  if (err instanceof CaError) return err;
  if (err instanceof OidcError) return new CaError('INVALID_TOKEN', CA_MESSAGES.INVALID_TOKEN, { cause: err, details: { reason: err.code } });
  if (err instanceof X509Error) {
    const code = X509_TO_CA[err.code];
    // An unrecognised CSR signature algorithm keeps its own text upstream.
    const message = err.code === 'UNSUPPORTED_SIGNATURE_ALGORITHM' ? err.message : (CA_MESSAGES as Record<string, string>)[code] ?? err.message;
    return new CaError(code, message, { cause: err });
  }
  return new CaError(fallback, (CA_MESSAGES as Record<string, string>)[fallback] ?? 'internal error', { cause: err });
}

/** `content` of a publicKeyRequest: a PEM `PUBLIC KEY`, else the DER bytes themselves. */
function spkiFrom(content: string | Uint8Array): Uint8Array {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
  try {
    if (text.includes('-----BEGIN')) {
      // One pass over the text (fromPem would parse it again): exactly one block, a PUBLIC KEY.
      const blocks = parsePemBlocks(text);
      if (blocks.length !== 1 || blocks[0]?.type !== 'PUBLIC KEY') throw new Error('expected one PUBLIC KEY PEM block');
      return blocks[0].der;
    }
    return typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
  } catch (cause) {
    throw new CaError('INVALID_PUBLIC_KEY', CA_MESSAGES.INVALID_PUBLIC_KEY, { cause });
  }
}

async function keyFromRequest(request: SigningRequest, principal: Principal): Promise<Uint8Array> {
  if (request.key.kind === 'csr') {
    const csr = parseCsr(request.key.csr);
    checkSigningAlgorithm(csr.publicKey, csr.hash);
    return csr.publicKeySpki;
  }
  const spki = spkiFrom(request.key.content);
  // Parses the key once and vets it (strength first, as fulcio does), then verifies with the key's own digest on
  // the thread pool, so the algorithm policy holds by construction here; only a CSR can pair a key with another
  // digest. The event loop keeps only the parse: the signature check is the costlier half (bench/ca/README.md).
  await verifyProofOfPossessionAsync(spki, principal.challenge, request.key.proofOfPossession);
  return spki;
}

/**
 * The CA's one job, in the order of fulcio's CreateSigningCertificate (pkg/server/grpc_server.go at v1.8.8): verify
 * the identity token, then the key and its proof of possession, then issue — with an SCT embedded when a CT log is
 * plugged in, so that no certificate leaves unlogged.
 */
export function createCaService(deps: CaServiceDeps): CaService {
  const leaves: LeafIssuer = createLeafIssuer({
    issuerCertDer: deps.chainDer[0] as Uint8Array,
    signer: deps.signer,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });

  async function issue(request: SigningRequest): Promise<IssuedSigningCertificate> {
    const principal = await verifyToken(deps.issuers, request.token).catch((err: unknown) => {
      throw asCaError(err, 'INVALID_TOKEN');
    });
    const publicKeySpki = await keyFromRequest(request, principal).catch((err: unknown) => {
      throw asCaError(err, 'INVALID_PUBLIC_KEY');
    });
    const admission = await deps.gate?.admit(principal);
    if (admission === undefined) return sign(publicKeySpki, principal);
    let issued = false;
    try {
      const result = await sign(publicKeySpki, principal);
      issued = true;
      return result;
    } finally {
      // A slot not given back (its store failed) only delays the subject's next certificate: never the answer.
      await admission.settle(issued).catch(() => undefined);
    }
  }

  async function sign(publicKeySpki: Uint8Array, principal: Principal): Promise<IssuedSigningCertificate> {
    const draft = leaves.draft({ publicKeySpki, identity: { san: principal.san, extensions: [...principal.extensions] } });
    if (!deps.sctIssuer) {
      const leaf = await draft.certificate().catch((err: unknown) => Promise.reject(asCaError(err, 'CA_BACKEND')));
      return { chainDer: [leaf.der, ...deps.chainDer], embeddedSct: false };
    }
    const precert = await draft.precertificate().catch((err: unknown) => Promise.reject(asCaError(err, 'CA_BACKEND')));
    const sct = await deps.sctIssuer.logPrecertificate(precert.der, deps.chainDer).catch((err: unknown) => Promise.reject(asCaError(err, 'CT_LOG')));
    const leaf = await draft.certificate(encodeSctList([sct])).catch((err: unknown) => Promise.reject(asCaError(err, 'CA_BACKEND')));
    return { chainDer: [leaf.der, ...deps.chainDer], embeddedSct: true };
  }

  return {
    chainDer: deps.chainDer,
    issuers: deps.issuers,
    async issueSigningCertificate(request) {
      try {
        return await issue(request);
      } catch (err) {
        const error = asCaError(err, 'CA_BACKEND');
        deps.onRejected?.(error);
        throw error;
      }
    },
  };
}
