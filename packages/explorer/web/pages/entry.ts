import { type ProvenEntry, getTrustedRoot, getV1Entry, getV2Entry } from '../api.js';
import { fromBase64 } from '../bytes.js';
import { type CertificateFacts, decodeCertificate } from '../certificate.js';
import { facts, h } from '../dom.js';
import { type EntryVerifier, readEntryBody } from '../entry-body.js';
import { errorText, timeText } from '../format.js';
import { type Check, trustedLogKeys, verifyEntryProof, verifyEntryTimestamp } from '../verify.js';

const isoSeconds = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function certificateSection(der: Uint8Array): HTMLElement {
  let cert: CertificateFacts;
  try {
    cert = decodeCertificate(der);
  } catch (err) {
    return h('section', {}, h('h2', {}, 'Signer'), errorText(err));
  }
  const now = Date.now();
  const validity = `${isoSeconds(cert.notBefore)} → ${isoSeconds(cert.notAfter)}${now > cert.notAfter.getTime() ? ' (expired, as a Fulcio certificate is minutes after signing)' : ''}`;
  return h(
    'section',
    { 'aria-labelledby': 'signer' },
    h('h2', { id: 'signer' }, 'Signer'),
    facts([
      ...cert.subjectAltNames.map((s) => [`SAN (${s.kind})`, h('span', { class: 'mono', 'data-field': 'san' }, s.value)] as const),
      ...cert.fulcio.map((f) => [f.title, h('span', { class: 'mono', 'data-field': f.name }, f.value)] as const),
      ['Certificate issuer', cert.issuerName],
      ['Valid', validity],
      ['Serial', h('span', { class: 'mono' }, cert.serial)],
    ]),
  );
}

function verifierSection(v: EntryVerifier | undefined): HTMLElement | undefined {
  if (!v) return undefined;
  if (v.kind === 'certificate') return certificateSection(v.der);
  return h('section', {}, h('h2', {}, 'Signer'), facts([['Public key (SPKI, base64)', h('span', { class: 'mono' }, btoa(String.fromCharCode(...v.der)))]]));
}

function checksSection(checks: readonly Check[]): HTMLElement {
  const ok = checks.length > 0 && checks.every((c) => c.ok);
  return h(
    'section',
    { 'aria-labelledby': 'verification' },
    h('h2', { id: 'verification' }, 'Verified in your browser'),
    h('p', { id: 'verdict', class: `verdict ${ok ? 'pass' : 'fail'}`, role: 'status' }, ok ? 'Verified: this entry is in the log the trusted root names.' : 'Verification failed: do not trust this answer.'),
    h(
      'ul',
      { class: 'checks' },
      checks.map((c) => h('li', { class: `check ${c.ok ? 'pass' : 'fail'}`, 'data-check': c.name }, h('span', { class: 'mark' }, c.ok ? '✓ passed' : '✗ failed'), h('strong', {}, c.name), ': ', c.detail)),
    ),
  );
}

/** `#/entry/{v1|v2}/{index}`: what the entry says, who signed it, and the browser's own check of its proof. */
export async function entryPage(log: 'v1' | 'v2', index: number): Promise<HTMLElement> {
  const title = h('h1', {}, `Rekor ${log} entry #${index}`);
  let entry: ProvenEntry;
  try {
    entry = log === 'v1' ? await getV1Entry(index) : await getV2Entry(index);
  } catch (err) {
    return h('section', {}, title, errorText(err));
  }
  const content = readEntryBody(entry.body);
  let checks: Check[];
  try {
    const keys = trustedLogKeys(await getTrustedRoot());
    checks = await verifyEntryProof(fromBase64(entry.body), entry.inclusionProof, keys);
    // v1 answers also carry a signed entry timestamp (v2 has none: its time comes from a TSA).
    if (entry.log === 'v1') {
      const { body, integratedTime, logID, logIndex, signedEntryTimestamp } = entry;
      checks.push(
        logID !== undefined && signedEntryTimestamp !== undefined && integratedTime !== null
          ? await verifyEntryTimestamp({ body, integratedTime, logID, logIndex, signedEntryTimestamp }, keys)
          : { name: 'Signed entry timestamp', ok: false, detail: 'the answer carries none' },
      );
    }
  } catch (err) {
    checks = [{ name: 'Verification', ok: false, detail: err instanceof Error ? err.message : String(err) }];
  }
  return h(
    'section',
    {},
    title,
    facts([
      ['Kind', `${content.kind} ${content.apiVersion}`],
      ['Artifact digest', content.digest && h('span', { class: 'mono', 'data-field': 'digest' }, `${content.digest.algorithm}:${content.digest.hex}`)],
      ['Log index', String(entry.logIndex)],
      ['Integrated', timeText(entry.integratedTime)],
      ['Entry UUID', entry.uuid && h('span', { class: 'mono' }, entry.uuid)],
      ['Tree size in proof', String(entry.inclusionProof.treeSize)],
    ]),
    checksSection(checks),
    verifierSection(content.verifiers[0]),
    h('h2', {}, 'Raw entry'),
    h('pre', { tabindex: 0, 'aria-label': 'Raw entry body' }, content.pretty),
    h('h2', {}, 'Checkpoint'),
    h('pre', { tabindex: 0, 'aria-label': 'Signed checkpoint' }, entry.inclusionProof.checkpoint),
  );
}
