import { type LogStatus, getStatus, getTrustedRoot } from '../api.js';
import { fromBase64 } from '../bytes.js';
import { decodeCertificate } from '../certificate.js';
import { facts, h, svg } from '../dom.js';
import { errorText } from '../format.js';

const TRUST_FILES = ['trusted_root.json', 'signing_config.v0.2.json', 'trust_config.json', 'fulcio_v1.crt.pem', 'rekor.pub', 'ctfe.pub'];
const LOG_TITLES: Readonly<Record<LogStatus['log'], string>> = { v1: 'Rekor v1', v2: 'Rekor v2', ct: 'Certificate transparency' };

function ageText(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** Entries per minute as bars, newest on the right; the label says the peak so the chart needs no axis. */
function chart(perMinute: readonly number[], hours: number): Element {
  const peak = Math.max(1, ...perMinute);
  const w = perMinute.length;
  const bars = perMinute.map((n, i) => svg('rect', { x: i, y: 40 - (40 * n) / peak, width: 1, height: (40 * n) / peak }));
  const total = perMinute.reduce((a, b) => a + b, 0);
  const label = `${total} ${total === 1 ? 'entry' : 'entries'} in the last ${hours} h, at most ${Math.max(0, ...perMinute)} in a minute`;
  return h('figure', {}, svg('svg', { class: 'chart', viewBox: `0 0 ${w} 40`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label }, svg('line', { x1: 0, y1: 40, x2: w, y2: 40 }), ...bars), h('figcaption', { class: 'muted' }, label));
}

interface TrustItem {
  readonly what: string;
  readonly where: string;
  readonly start?: string;
  readonly end?: string;
}

function trustItems(root: unknown): TrustItem[] {
  const r = root as Record<string, unknown[] | undefined>;
  const window = (x: { validFor?: { start?: string; end?: string } }) => ({ start: x.validFor?.start, end: x.validFor?.end });
  const logs = (list: unknown[] | undefined, what: string) =>
    (list ?? []).map((l) => {
      const t = l as { baseUrl?: string; publicKey?: { keyDetails?: string; validFor?: { start?: string; end?: string } } };
      return { what: `${what} (${t.publicKey?.keyDetails ?? '?'})`, where: t.baseUrl ?? '', ...window(t.publicKey ?? {}) };
    });
  const cas = (list: unknown[] | undefined, what: string) =>
    (list ?? []).map((c) => {
      const ca = c as { uri?: string; subject?: { commonName?: string }; certChain?: { certificates?: Array<{ rawBytes?: string }> }; validFor?: { start?: string; end?: string } };
      let name = ca.subject?.commonName ?? '';
      const first = ca.certChain?.certificates?.[0]?.rawBytes;
      if (first) {
        try {
          name = decodeCertificate(fromBase64(first)).subjectName;
        } catch {
          // keep the subject the document names
        }
      }
      return { what: `${what}: ${name}`, where: ca.uri ?? '', ...window(ca) };
    });
  return [...logs(r.tlogs, 'Transparency log key'), ...logs(r.ctlogs, 'CT log key'), ...cas(r.certificateAuthorities, 'CA'), ...cas(r.timestampAuthorities, 'TSA')];
}

/** `#/status`: each log's size, checkpoint age and recent rate; the keys clients trust; the trust files. */
export async function statusPage(): Promise<HTMLElement> {
  const head = h('h1', {}, 'Status');
  try {
    const [status, root] = await Promise.all([getStatus(), getTrustedRoot()]);
    const now = new Date(status.now);
    const hours = status.windowMinutes / 60;
    return h(
      'section',
      {},
      head,
      h(
        'div',
        { class: 'cards' },
        status.logs.map((l) =>
          h('article', { class: 'card', 'data-log': l.name }, h('h2', {}, `${LOG_TITLES[l.log]} `, h('span', { class: 'muted' }, l.name)), facts([['Tree size', l.treeSize.toLocaleString('en')], ['Last checkpoint', ageText(l.checkpointTime, now)]]), chart(l.perMinute, hours)),
        ),
      ),
      h('h2', {}, 'Keys in trusted_root.json'),
      h(
        'table',
        { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'URL'), h('th', { scope: 'col' }, 'Valid from'), h('th', { scope: 'col' }, 'Valid until'))),
        h('tbody', {}, trustItems(root).map((t) => h('tr', {}, h('td', {}, t.what), h('td', { class: 'mono' }, t.where), h('td', {}, t.start ?? ''), h('td', {}, t.end ?? 'open')))),
      ),
      h('h2', {}, 'Trust files'),
      h('ul', {}, TRUST_FILES.map((f) => h('li', {}, h('a', { href: `/sigbox/v1/${f}`, download: f }, f)))),
    );
  } catch (err) {
    return h('section', {}, head, errorText(err));
  }
}
