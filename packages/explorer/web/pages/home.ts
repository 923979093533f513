import { listEntries } from '../api.js';
import { h } from '../dom.js';
import { entryTable, errorText } from '../format.js';
import { searchForm } from './search.js';

async function newest(log: 'v1' | 'v2'): Promise<HTMLElement> {
  try {
    const { entries } = await listEntries(log, undefined, 10);
    return h('section', {}, h('h2', {}, `Newest Rekor ${log} entries `, h('a', { href: `#/entries/${log}` }, '(all)')), entryTable(entries));
  } catch (err) {
    return errorText(err);
  }
}

/** `#/`: the search and the newest entries of both logs. */
export async function homePage(): Promise<HTMLElement> {
  const [v2, v1] = await Promise.all([newest('v2'), newest('v1')]);
  return h('section', {}, h('h1', {}, 'Search the transparency logs'), searchForm(), v2, v1);
}
