import { listEntries } from '../api.js';
import { h } from '../dom.js';
import { entryTable, errorText } from '../format.js';

/** `#/entries/{v1|v2}[?before=N]`: the newest entries of one log, a page at a time. */
export async function entriesPage(log: 'v1' | 'v2', before: number | undefined): Promise<HTMLElement> {
  const other = log === 'v1' ? 'v2' : 'v1';
  const head = h('h1', {}, `Newest Rekor ${log} entries`);
  const switcher = h('p', {}, h('a', { href: `#/entries/${other}` }, `Rekor ${other} instead`));
  try {
    const page = await listEntries(log, before);
    return h(
      'section',
      {},
      head,
      switcher,
      entryTable(page.entries),
      page.nextBefore === undefined ? undefined : h('p', {}, h('a', { href: `#/entries/${log}?before=${page.nextBefore}` }, 'Older entries →')),
    );
  } catch (err) {
    return h('section', {}, head, switcher, errorText(err));
  }
}
