import type { KeyObject } from 'node:crypto';
import { bytesEqual } from '@sigbox/core';
import { type AcceptedRoots, type Cert, type ValidatedChain, bad, checkLeaf, issuedBy, parse, precertEntry, validatePath } from './chain.js';

/**
 * Distinct issuer chains remembered. A CA sends one (two while its issuing certificate is replaced); the bound
 * keeps a caller that varies its chain from growing memory, at the price of full validation for it.
 */
export const MAX_REMEMBERED_CHAINS = 4;

/** An issuer chain that passed full validation once, and what a precertificate under it needs from it. */
interface RememberedChain {
  /** Our own copy of the bytes it was validated as: the cache key, immune to the caller reusing its buffers. */
  chainDer: readonly Uint8Array[];
  issuer: Cert;
  issuerKey: KeyObject;
  issuerKeyHash: Uint8Array;
  /** The validated path after the precertificate: the chain, plus the accepted root when it stops below one. */
  tail: readonly Uint8Array[];
}

/** add-pre-chain of `[precertificate, ...issuerChain]`, for the in-process CA. */
export type PrecertValidator = (precertDer: Uint8Array, issuerChainDer: readonly Uint8Array[]) => ValidatedChain;

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((der, i) => bytesEqual(der, b[i] as Uint8Array));

/**
 * validateChain(`[precert, ...issuerChain]`, roots, 'precert') with the same verdict and the same errors, but the
 * issuer chain (the same bytes on every call from a CA) is parsed, chained to a root and verified only once.
 *
 * Why that is the same verdict: validateChain is a function of the bytes. With a non-empty issuer chain, every check
 * except three involves only the issuer chain: its links, its last certificate against the roots, and the issuer's
 * EKU. The three that involve the precertificate — that it parses, that the issuer (the chain's first certificate)
 * issued and signed it, and its poison and EKU — run on every call, in validateChain's order, with its functions.
 * An empty issuer chain is never remembered: which root issued the precertificate then depends on the precertificate.
 */
export function createPrecertValidator(roots: AcceptedRoots): PrecertValidator {
  const remembered: RememberedChain[] = [];

  function validateAndRemember(precertDer: Uint8Array, issuerChainDer: readonly Uint8Array[]): ValidatedChain {
    const chainDer = issuerChainDer.map((der) => Uint8Array.from(der));
    const { path, entry } = validatePath([precertDer, ...chainDer], roots, 'precert');
    const issuer = path[1] as Cert;
    if (entry.type === 'precert' && chainDer.length > 0) {
      if (remembered.length >= MAX_REMEMBERED_CHAINS) remembered.shift();
      const tail = path.slice(1).map((c) => c.der);
      remembered.push({ chainDer, issuer, issuerKey: issuer.x509.publicKey, issuerKeyHash: entry.issuerKeyHash, tail });
    }
    return { path: path.map((c) => c.der), entry };
  }

  return (precertDer, issuerChainDer) => {
    const known = remembered.find((r) => sameChain(r.chainDer, issuerChainDer));
    if (!known) return validateAndRemember(precertDer, issuerChainDer);
    const leaf = parse(precertDer, 'certificate 0');
    if (!issuedBy(leaf, known.issuer, known.issuerKey)) bad('certificate 0 is not issued by certificate 1');
    checkLeaf(leaf, 'precert');
    return { path: [leaf.der, ...known.tail], entry: precertEntry(leaf, known.issuerKeyHash) };
  };
}
