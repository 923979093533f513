import crypto from 'node:crypto';
import { bytesEqual, sha256 } from '@sigbox/core';
import { type CertificateParts, OID, parseCertificate, removeExtension } from '@sigbox/x509';
import { CtError } from './errors.js';
import type { EntryType, SignedEntry } from './merkle-tree-leaf.js';

/** More than any real chain (leaf, one or two intermediates, root); bounds the work a request can cause. */
export const MAX_CHAIN_LENGTH = 10;
/** RFC 6962 §3.1 Precertificate Signing Certificate EKU: Fulcio never uses one, so Sigbox refuses them. */
const OID_PRECERT_SIGNING = '1.3.6.1.4.1.11129.2.4.4';
/** The poison extension's extnValue: ASN.1 NULL (RFC 6962 §3.1). */
const ASN1_NULL = Uint8Array.of(0x05, 0x00);

/** One certificate parsed both ways; `der` is the caller's bytes, not a copy. */
export interface Cert {
  der: Uint8Array;
  parts: CertificateParts;
  x509: crypto.X509Certificate;
}

/** The roots a log accepts, parsed once. */
export interface AcceptedRoots {
  readonly der: readonly Uint8Array[];
  readonly certs: readonly Cert[];
}

/** A chain that passed validation: the path from the leaf to an accepted root, and what the log signs for it. */
export interface ValidatedChain {
  /** The submitted certificates in order, plus the accepted root when the submitter left it out. */
  path: Uint8Array[];
  entry: SignedEntry;
}

export const bad = (message: string, cause?: unknown): never => {
  throw new CtError('BAD_CHAIN', message, cause === undefined ? {} : { cause });
};

/** The strict DER half of `parse`, with its error. */
export function parseParts(der: Uint8Array, what: string): CertificateParts {
  try {
    return parseCertificate(der);
  } catch (cause) {
    return bad(`${what} cannot be parsed`, cause);
  }
}

function parse(der: Uint8Array, what: string): Cert {
  // parseCertificate is strict DER (no trailing bytes, no PEM); X509Certificate is what verifies signatures.
  const parts = parseParts(der, what);
  try {
    return { der, parts, x509: new crypto.X509Certificate(der) };
  } catch (cause) {
    return bad(`${what} cannot be parsed`, cause);
  }
}

export function prepareRoots(rootsDer: readonly Uint8Array[]): AcceptedRoots {
  if (rootsDer.length === 0) throw new CtError('INVALID_CONFIG', 'a CT log needs at least one accepted root');
  try {
    return { der: rootsDer, certs: rootsDer.map((der, i) => parse(der, `root ${i}`)) };
  } catch (cause) {
    throw new CtError('INVALID_CONFIG', 'an accepted root cannot be parsed', { cause });
  }
}

function issuedBy(child: Cert, parent: Cert): boolean {
  try {
    return parent.x509.ca && child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * The path of ctfe's ValidateChain (trillian/ctfe/cert_checker.go): every submitted certificate is used, in
 * order, each signed by the next; the last is an accepted root or is issued by one (RFC 6962 §4.1: "the last
 * [certificate] is either the root certificate or a certificate that chains to a known root certificate").
 * No time checks: CT observes certificates rather than policing them.
 */
function buildPath(certs: Cert[], roots: AcceptedRoots): Cert[] {
  certs.forEach((cert, i) => {
    const next = certs[i + 1];
    if (next && !issuedBy(cert, next)) bad(`certificate ${i} is not issued by certificate ${i + 1}`);
  });
  const last = certs[certs.length - 1] as Cert;
  if (roots.certs.some((root) => bytesEqual(root.der, last.der))) return certs;
  const root = roots.certs.find((r) => issuedBy(last, r));
  return root ? [...certs, root] : bad('chain does not end in an accepted root');
}

/** checkLeaf on what it reads: the leaf's extensions, and its EKU OIDs as OpenSSL decodes them (undefined: none). */
export function checkLeafExtensions(parts: CertificateParts, extKeyUsages: readonly string[] | undefined, type: EntryType): void {
  const poison = parts.extensions.find((e) => e.oid === OID.ctPoison);
  if (type === 'precert' && !poison) bad('precertificate without the CT poison extension');
  if (type === 'x509' && poison) bad('precertificate submitted to add-chain');
  if (poison && (!poison.critical || !bytesEqual(poison.value, ASN1_NULL))) bad('CT poison extension is not critical or not NULL');
  // ctfe checks the leaf's own EKUs against --ext_key_usages (TesseraCT runs with CodeSigning): none listed = refused.
  if (!(extKeyUsages ?? []).includes(OID.codeSigning)) bad('leaf certificate lacks extended key usage code signing');
}

const checkLeaf = (leaf: Cert, type: EntryType): void => checkLeafExtensions(leaf.parts, leaf.x509.keyUsage, type);

/** The precert entry's `issuer_key_hash` (RFC 6962 §3.2): SHA-256 of the issuing CA's SubjectPublicKeyInfo. */
export function issuerKeyHashOf(issuer: Cert): Uint8Array {
  if ((issuer.x509.keyUsage ?? []).includes(OID_PRECERT_SIGNING)) bad('precertificate signing certificates are not supported');
  return sha256(issuer.parts.spki);
}

/** What an SCT for a precertificate signs: the issuer key hash and the precertificate's TBS minus the poison. */
export function precertEntry(leaf: CertificateParts, issuerKeyHash: Uint8Array): SignedEntry {
  return { type: 'precert', issuerKeyHash, tbsCertificate: removeExtension(leaf.tbs, OID.ctPoison) };
}

/** What an SCT for this chain signs (RFC 6962 §3.2): the certificate, or issuer key hash + TBS minus the poison. */
function signedEntry(path: Cert[], type: EntryType): SignedEntry {
  const leaf = path[0] as Cert;
  if (type === 'x509') return { type, certificate: leaf.der };
  const issuer = path[1];
  if (!issuer) return bad('precertificate without an issuer');
  return precertEntry(leaf.parts, issuerKeyHashOf(issuer));
}

/** validateChain, keeping the parsed path (the in-process precertificate path remembers its issuer part). */
export function validatePath(chainDer: readonly Uint8Array[], roots: AcceptedRoots, type: EntryType): { path: Cert[]; entry: SignedEntry } {
  if (chainDer.length === 0) bad('chain is empty');
  if (chainDer.length > MAX_CHAIN_LENGTH) bad(`chain has more than ${MAX_CHAIN_LENGTH} certificates`);
  const certs = chainDer.map((der, i) => parse(der, `certificate ${i}`));
  const path = buildPath(certs, roots);
  checkLeaf(path[0] as Cert, type);
  return { path, entry: signedEntry(path, type) };
}

/** Validates an add-chain (`x509`) or add-pre-chain (`precert`) submission; throws CtError('BAD_CHAIN'). */
export function validateChain(chainDer: readonly Uint8Array[], roots: AcceptedRoots, type: EntryType): ValidatedChain {
  const { path, entry } = validatePath(chainDer, roots, type);
  return { path: path.map((c) => c.der), entry };
}
