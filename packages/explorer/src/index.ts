import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One built file of the explorer. */
export interface ExplorerFile {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The built explorer: its one page and its content-hashed assets by file name. */
export interface ExplorerAssets {
  readonly page: ExplorerFile;
  readonly assets: ReadonlyMap<string, ExplorerFile>;
}

/** Where the built files are committed (web/build.ts writes them; assets.test.ts checks they are current). */
export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

function contentTypeOf(name: string): string {
  const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
  if (type === undefined) throw new Error(`explorer asset ${name}: no content type for its extension`);
  return type;
}

/**
 * Reads the built explorer once (a few tens of KiB, kept in memory for the process's life). `index.html` is the page;
 * every other file is an asset named by its content hash.
 *
 * @example
 * const { page, assets } = loadExplorerAssets();
 * assets.get('app-1a2b3c4d.js')?.contentType; // 'text/javascript; charset=utf-8'
 */
export function loadExplorerAssets(dir: string = ASSETS_DIR): ExplorerAssets {
  const assets = new Map<string, ExplorerFile>();
  let page: ExplorerFile | undefined;
  for (const name of readdirSync(dir).sort()) {
    const file = { body: new Uint8Array(readFileSync(`${dir}/${name}`)), contentType: contentTypeOf(name) };
    if (name === 'index.html') page = file;
    else assets.set(name, file);
  }
  if (page === undefined) throw new Error(`the explorer is not built: no index.html in ${dir}`);
  return { page, assets };
}
