import type { explorer } from '@sigbox/api';
import type { Operation } from '../pipeline/operation.js';
import { operationsOf } from '../pipeline/operation.js';
import { RequestProblem } from '../pipeline/request-problem.js';

/** One built file of the browser app. */
export interface SiteFile {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The browser app as built (@sigbox/explorer's `loadExplorerAssets`): its page and its content-hashed assets by name. */
export interface StaticSite {
  readonly page: SiteFile;
  readonly assets: ReadonlyMap<string, SiteFile>;
}

/**
 * Nothing but this origin's own script, style and JSON; no inline script or style, no frames, no plugins, no
 * form posts (the file to hash never leaves the page: `connect-src 'self'` also stops any upload elsewhere).
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': EXPLORER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Asset names carry their content hash (`app-3f2a9c1b.js`): a name never changes meaning, so caches keep it. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const op = operationsOf<explorer.paths>();

/** `/`: the page, revalidated every time (it names the current assets); `/explorer/{asset}`: the assets, forever. */
export function staticOperations(site: StaticSite): Operation[] {
  const page = op.get(
    '/',
    () => ({ status: 200, body: site.page.body as never, contentType: site.page.contentType, headers: { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' } }),
    { conditional: true },
  );
  const asset = op.get('/explorer/{asset}', ({ params }) => {
    const file = site.assets.get(params.asset);
    if (file === undefined) throw new RequestProblem('NOT_FOUND', 404, `no explorer asset ${params.asset}`);
    return { status: 200, body: file.body as never, contentType: file.contentType, headers: { ...SECURITY_HEADERS, 'Cache-Control': IMMUTABLE } };
  });
  return [page, asset];
}
