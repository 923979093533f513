import { type CertificateEntry, getCertificate, listCertificates, searchCertificates } from '../api.js';
import { fromBase64, toBase64 } from '../bytes.js';
import { type CertificateFacts, decodeCertificate } from '../certificate.js';
import { facts, h } from '../dom.js';
import { errorText } from '../format.js';

const isoSeconds = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function decoded(entry: CertificateEntry): CertificateFacts | undefined {
  try {
    return decodeCertificate(fromBase64(entry.certificate));
  } catch {
    return undefined;
  }
}

function certificateTable(entries: readonly CertificateEntry[]): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No certificates.');
  return h(
    'table',
    { class: 'list' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Entry'), h('th', { scope: 'col' }, 'Identity'), h('th', { scope: 'col', class: 'wide' }, 'OIDC issuer'), h('th', { scope: 'col' }, 'Logged'))),
    h(
      'tbody',
      {},
      entries.map((e) => {
        const cert = decoded(e);
        return h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/certificate/${e.leafIndex}` }, `ct #${e.leafIndex}`)),
          h('td', {}, cert?.subjectAltNames.map((s) => s.value).join(', ') ?? '(unreadable)'),
          h('td', { class: 'mono wide' }, cert?.fulcio.find((f) => f.name === 'issuer')?.value ?? ''),
          h('td', { class: 'time' }, isoSeconds(new Date(e.timestamp))),
        );
      }),
    ),
  );
}

function identityForm(value = ''): HTMLElement {
  const input = h('input', { id: 'identity', type: 'search', value, 'aria-label': 'Identity', placeholder: 'email or SAN URI', autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
  const form = h('form', { class: 'search', role: 'search' }, h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Find certificates'))) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim() !== '') location.hash = `#/certificates?subject=${encodeURIComponent(input.value.trim())}`;
  });
  return form;
}

/** `#/certificates[?subject=…|before=N]`: the certificates the CA logged, for one identity or newest first. */
export async function certificatesPage(params: URLSearchParams): Promise<HTMLElement> {
  const subject = params.get('subject');
  const head = h('h1', {}, subject === null ? 'Certificates issued' : `Certificates for ${subject}`);
  try {
    if (subject !== null) return h('section', {}, head, identityForm(subject), certificateTable((await searchCertificates(subject)).entries));
    const before = params.get('before');
    const page = await listCertificates(before !== null && /^\d+$/.test(before) ? Number(before) : undefined);
    return h(
      'section',
      {},
      head,
      h('p', { class: 'muted' }, 'Every certificate the CA issues is first logged in its certificate-transparency log: search it by identity.'),
      identityForm(),
      certificateTable(page.entries),
      page.nextBefore === undefined ? undefined : h('p', {}, h('a', { href: `#/certificates?before=${page.nextBefore}` }, 'Older certificates →')),
    );
  } catch (err) {
    return h('section', {}, head, identityForm(subject ?? ''), errorText(err));
  }
}

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${(toBase64(der).match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;

/** `#/certificate/{index}`: one logged certificate, decoded, with its chain and PEM. */
export async function certificatePage(index: number): Promise<HTMLElement> {
  const head = h('h1', {}, `Certificate transparency entry #${index}`);
  let entry: CertificateEntry;
  try {
    entry = await getCertificate(index);
  } catch (err) {
    return h('section', {}, head, errorText(err));
  }
  const der = fromBase64(entry.certificate);
  const cert = decoded(entry);
  const chain = entry.chain.map((c) => {
    try {
      return decodeCertificate(fromBase64(c)).subjectName;
    } catch {
      return '(unreadable)';
    }
  });
  return h(
    'section',
    {},
    head,
    facts([
      ['Entry type', entry.entryType === 'precert' ? 'precertificate (the certificate carries its SCT)' : 'certificate'],
      ['Logged (SCT time)', isoSeconds(new Date(entry.timestamp))],
      ...(cert?.subjectAltNames ?? []).map((s) => [`SAN (${s.kind})`, h('span', { class: 'mono', 'data-field': 'san' }, s.value)] as const),
      ...(cert?.fulcio ?? []).map((f) => [f.title, h('span', { class: 'mono', 'data-field': f.name }, f.value)] as const),
      ['Issuer', cert?.issuerName],
      ['Valid', cert && `${isoSeconds(cert.notBefore)} → ${isoSeconds(cert.notAfter)}`],
      ['Serial', cert && h('span', { class: 'mono' }, cert.serial)],
      ['Chain', chain.join(' → ')],
    ]),
    cert ? undefined : errorText(new Error('the certificate could not be decoded')),
    h('h2', {}, 'PEM'),
    h('pre', { tabindex: 0, 'aria-label': 'Certificate PEM' }, pem(der)),
  );
}
