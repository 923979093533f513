import { searchEntries, v1IndexOfUuid } from '../api.js';
import { toHex } from '../bytes.js';
import { h } from '../dom.js';
import { entryTable, errorText } from '../format.js';

export type SearchKind = 'hash' | 'subject' | 'publicKey' | 'uuid' | 'index-v1' | 'index-v2';

const KINDS: ReadonlyArray<readonly [SearchKind, string, string]> = [
  ['hash', 'Artifact digest', 'sha256 hex, or pick a file below'],
  ['subject', 'Identity', 'email or SAN URI, e.g. you@example.com'],
  ['publicKey', 'Public key', '-----BEGIN PUBLIC KEY----- …'],
  ['uuid', 'Entry UUID (v1)', '64 or 80 hex characters'],
  ['index-v1', 'Log index, Rekor v1', 'e.g. 42'],
  ['index-v2', 'Log index, Rekor v2', 'e.g. 42'],
];

/** The file hashed last in this page, to say on the results which file the digest is of. */
let lastHashed: { name: string; size: number; digest: string } | undefined;

/** SHA-256 of a file, in the browser (WebCrypto): the file is read here and never sent anywhere. */
async function fileDigest(file: File): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())));
}

/**
 * A PEM as pasted into a one-line field (the browser drops its line breaks): rebuilt with 64-character lines, as the
 * server's PEM reader and the index keys (SHA-256 of the canonical PEM) expect.
 */
export function normalizePem(text: string): string {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new Error('paste a PEM public key or certificate (-----BEGIN …-----)');
  const body = (m[2] as string).replace(/\s+/g, '');
  return `-----BEGIN ${m[1]}-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${m[1]}-----\n`;
}

/** Where a query goes: an index or a UUID opens the entry; the others list matches. */
export async function routeOf(kind: SearchKind, value: string): Promise<string> {
  const v = value.trim();
  if (kind === 'index-v1' || kind === 'index-v2') {
    if (!/^\d+$/.test(v)) throw new Error('a log index is a non-negative integer');
    return `#/entry/${kind.slice(-2)}/${v}`;
  }
  if (kind === 'uuid') return `#/entry/v1/${await v1IndexOfUuid(v)}`;
  if (kind === 'publicKey') return `#/search?publicKey=${encodeURIComponent(normalizePem(v))}`;
  return `#/search?${kind}=${encodeURIComponent(v)}`;
}

/** The search form: a kind, a value, and a drop zone that fills the digest from a file. */
export function searchForm(): HTMLElement {
  const select = h('select', { id: 'kind', name: 'kind', 'aria-label': 'Search by' }, KINDS.map(([k, label]) => h('option', { value: k }, label))) as HTMLSelectElement;
  const input = h('input', { id: 'q', name: 'q', type: 'search', 'aria-label': 'Search value', placeholder: KINDS[0]?.[2], autocomplete: 'off', spellcheck: 'false' }) as HTMLInputElement;
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  select.addEventListener('change', () => {
    input.placeholder = KINDS.find(([k]) => k === select.value)?.[2] ?? '';
  });
  const fileInput = h('input', { type: 'file', id: 'file', 'aria-label': 'Pick a file to hash' }) as HTMLInputElement;
  const useFile = async (file: File | undefined) => {
    if (!file) return;
    status.textContent = `Hashing ${file.name} in your browser…`;
    const digest = await fileDigest(file);
    select.value = 'hash';
    input.value = digest;
    lastHashed = { name: file.name, size: file.size, digest };
    location.hash = `#/search?hash=${digest}`;
  };
  fileInput.addEventListener('change', () => void useFile(fileInput.files?.[0]));
  const drop = h('div', { class: 'drop', id: 'drop' }, 'Drop a file here, or ', h('label', { for: 'file' }, 'pick one'), ' — its SHA-256 is computed in your browser and never uploaded. ', fileInput);
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void useFile((e as DragEvent).dataTransfer?.files[0]);
  });
  const form = h('form', { class: 'search', role: 'search' }, h('div', { class: 'row' }, select, input, h('button', { type: 'submit' }, 'Search')), drop, status) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    routeOf(select.value as SearchKind, input.value).then(
      (route) => (location.hash = route),
      (err: unknown) => status.replaceChildren(errorText(err)),
    );
  });
  return form;
}

/** `#/search?hash=…|subject=…|publicKey=…`: the matching entries of both logs. */
export async function searchPage(params: URLSearchParams): Promise<HTMLElement> {
  const [param, value] = [...params.entries()][0] ?? ['', ''];
  const title = h('h1', {}, 'Entries for ', h('span', { class: 'mono' }, value));
  try {
    const name = param === 'email' || param === 'hash' || param === 'publicKey' ? param : 'subject';
    const { entries } = await searchEntries(name, value);
    const fromFile = name === 'hash' && lastHashed?.digest === value ? lastHashed : undefined;
    const note = fromFile && h('p', { class: 'muted', id: 'hashed' }, `SHA-256 of ${fromFile.name} (${fromFile.size} bytes), computed in your browser; the file was not uploaded.`);
    return h('section', {}, title, note, searchForm(), h('h2', {}, `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`), entryTable(entries, 'Nothing in either log matches.'));
  } catch (err) {
    return h('section', {}, title, searchForm(), errorText(err));
  }
}
