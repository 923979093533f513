import { type Child, h } from './dom.js';
import type { EntrySummary } from './api.js';
import { decodeCertificate } from './certificate.js';
import { readEntryBody } from './entry-body.js';

export const timeText = (seconds: number | null): string => (seconds === null ? 'not yet integrated' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));

/** The signer an entry names: the certificate's first SAN, else "public key". */
export function signerOf(body: string): string {
  const content = readEntryBody(body);
  const v = content.verifiers[0];
  if (!v) return '';
  if (v.kind === 'publicKey') return 'public key';
  try {
    return decodeCertificate(v.der).subjectAltNames[0]?.value ?? '(no SAN)';
  } catch {
    return '(unreadable certificate)';
  }
}

export const entryHref = (e: { log: string; logIndex: number }) => `#/entry/${e.log}/${e.logIndex}`;

/** A table of entries: each row links to its entry page. */
export function entryTable(entries: readonly EntrySummary[], empty: Child = 'No entries.'): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'table',
    { class: 'list' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Entry'), h('th', { scope: 'col', class: 'wide' }, 'Kind'), h('th', { scope: 'col' }, 'Signer'), h('th', { scope: 'col', class: 'wide' }, 'Digest'), h('th', { scope: 'col' }, 'Integrated'))),
    h(
      'tbody',
      {},
      entries.map((e) => {
        const content = readEntryBody(e.body);
        return h(
          'tr',
          {},
          h('td', {}, h('a', { href: entryHref(e) }, `${e.log} #${e.logIndex}`)),
          h('td', { class: 'wide' }, `${content.kind} ${content.apiVersion}`),
          h('td', {}, signerOf(e.body)),
          h('td', { class: 'mono wide' }, content.digest ? `${content.digest.hex.slice(0, 16)}…` : ''),
          h('td', { class: 'time' }, timeText(e.integratedTime)),
        );
      }),
    ),
  );
}

export const errorText = (err: unknown): HTMLElement => h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err));
