// The explorer: one page, routes in the URL fragment (so the server has one HTML route and deep links need no
// fallback), each page a function that fetches and returns its DOM. Plain DOM and TypeScript, no framework: seven
// pages do not need one, the bundle stays small enough to audit, and nothing needs 'unsafe-inline' or eval under
// the strict CSP the server sends.
import { h } from './dom.js';
import { errorText } from './format.js';
import { certificatePage, certificatesPage } from './pages/certificates.js';
import { entriesPage } from './pages/entries.js';
import { entryPage } from './pages/entry.js';
import { homePage } from './pages/home.js';
import { searchPage } from './pages/search.js';
import { statusPage } from './pages/status.js';

async function pageFor(fragment: string): Promise<HTMLElement> {
  const [path = '', query = ''] = fragment.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return homePage();
  const [page, a, b] = parts;
  if (page === 'search') return searchPage(params);
  if (page === 'entry' && (a === 'v1' || a === 'v2') && b !== undefined && /^\d+$/.test(b)) return entryPage(a, Number(b));
  if (page === 'entries' && (a === 'v1' || a === 'v2')) {
    const before = params.get('before');
    return entriesPage(a, before !== null && /^\d+$/.test(before) ? Number(before) : undefined);
  }
  if (page === 'status') return statusPage();
  if (page === 'certificates') return certificatesPage(params);
  if (page === 'certificate' && a !== undefined && /^\d+$/.test(a)) return certificatePage(Number(a));
  return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to search')));
}

let rendering = 0;
async function render(): Promise<void> {
  const main = document.getElementById('main');
  if (!main) return;
  const turn = ++rendering;
  main.setAttribute('aria-busy', 'true');
  let page: HTMLElement;
  try {
    page = await pageFor(location.hash);
  } catch (err) {
    page = errorText(err);
  }
  if (turn !== rendering) return; // a newer navigation won
  main.replaceChildren(page);
  main.removeAttribute('aria-busy');
  document.title = `${page.querySelector('h1')?.textContent ?? 'Explorer'} · Sigbox`;
  // Move focus to the new content for keyboard and screen-reader users, except on first load.
  window.scrollTo(0, 0);
  if (turn > 1) main.focus({ preventScroll: true });
}

// Fragments are routes here, so the skip link must not navigate: it moves focus to the content instead.
document.querySelector('a.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
});
window.addEventListener('hashchange', () => {
  // Only `#/…` is a route; any other fragment (an in-page anchor) leaves the page as it is.
  if (location.hash === '' || location.hash.startsWith('#/')) void render();
});
void render();
