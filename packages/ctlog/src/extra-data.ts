import { CtError } from './errors.js';
import { MAX_U24, TlsReader, TlsWriter } from './tls.js';

/** `ASN.1Cert certificate_chain<0..2^24-1>`: u24 total ‖ (u24 length ‖ DER)*. */
function writeChain(w: TlsWriter, chain: readonly Uint8Array[]): TlsWriter {
  const inner = new TlsWriter();
  for (const der of chain) inner.vector24(der);
  const bytes = inner.bytes();
  if (bytes.length > MAX_U24) throw new CtError('BAD_CHAIN', 'certificate chain too long');
  return w.vector24(bytes);
}

function readChain(r: TlsReader): Uint8Array[] {
  const list = new TlsReader(r.vector24(), 'certificate_chain');
  const chain: Uint8Array[] = [];
  while (list.remaining > 0) chain.push(list.vector24());
  return chain;
}

/** get-entries `extra_data` of an x509 entry (RFC 6962 §4.6): the chain above the leaf, root last. */
export function encodeX509ExtraData(chain: readonly Uint8Array[]): Uint8Array {
  return writeChain(new TlsWriter(), chain).bytes();
}

export function decodeX509ExtraData(bytes: Uint8Array): Uint8Array[] {
  const r = new TlsReader(bytes, 'x509 extra_data');
  const chain = readChain(r);
  r.end();
  return chain;
}

/** `PrecertChainEntry` (RFC 6962 §4.6): the submitted precertificate, then the chain above it, root last. */
export interface PrecertChainEntry {
  precertificate: Uint8Array;
  chain: Uint8Array[];
}

export function encodePrecertExtraData(entry: PrecertChainEntry): Uint8Array {
  return writeChain(new TlsWriter().vector24(entry.precertificate), entry.chain).bytes();
}

export function decodePrecertExtraData(bytes: Uint8Array): PrecertChainEntry {
  const r = new TlsReader(bytes, 'PrecertChainEntry');
  const entry = { precertificate: r.vector24(), chain: readChain(r) };
  r.end();
  return entry;
}
