/**
 * Go's `path.Join` and `path.Clean` (go1.26), which `URL.JoinPath` uses: slash-separated, lexical, no trailing
 * slash, `..` never climbing above a root. node:path's posix join differs (it keeps a trailing slash and makes
 * `.` of nothing), hence these.
 */

/** `path.Clean`: one slash between elements, `.` removed, `..` applied lexically; `.` for an empty result. */
export function cleanGoPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') kept.push(segment);
    else if (kept.length > 0 && kept.at(-1) !== '..') kept.pop();
    else if (!rooted) kept.push('..'); // a relative path keeps the .. it cannot apply; a rooted one drops it
  }
  const joined = kept.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** `path.Join`: the non-empty elements joined by slashes, then cleaned; empty when every element is. */
export function joinGoPath(...elems: string[]): string {
  const first = elems.findIndex((e) => e !== '');
  return first < 0 ? '' : cleanGoPath(elems.slice(first).join('/'));
}
