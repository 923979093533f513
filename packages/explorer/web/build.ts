// Builds the explorer's browser app into ../assets: web/main.ts bundled and minified by esbuild (the one already in
// the workspace under vite and tsx, so nothing new to install), style.css minified, index.html naming both by their
// content hash. The output is committed, so `npm ci && npm start` and `npm test` need no build step of their own;
// src/assets.test.ts fails when it is stale. Write it with `npm run build:explorer`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = path.join(WEB_DIR, '..', 'assets');

const hashed = (stem: string, ext: string, body: string) => `${stem}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}${ext}`;

/** The built files by name, in memory. */
export async function buildExplorer(): Promise<Map<string, string>> {
  const js = await esbuild.build({
    entryPoints: [path.join(WEB_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    write: false,
    legalComments: 'none',
    charset: 'utf8',
  });
  const script = js.outputFiles[0]?.text ?? '';
  const css = (await esbuild.transform(readFileSync(path.join(WEB_DIR, 'style.css'), 'utf8'), { loader: 'css', minify: true })).code;
  const scriptName = hashed('app', '.js', script);
  const styleName = hashed('app', '.css', css);
  const page = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8').replace('{{script}}', `/explorer/${scriptName}`).replace('{{style}}', `/explorer/${styleName}`);
  return new Map([
    ['index.html', page],
    [scriptName, script],
    [styleName, css],
  ]);
}

/** The committed files by name. */
export function readBuilt(): Map<string, string> {
  return new Map(readdirSync(OUT_DIR).map((name) => [name, readFileSync(path.join(OUT_DIR, name), 'utf8')]));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildExplorer();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [name, body] of files) writeFileSync(path.join(OUT_DIR, name), body);
  console.log(`wrote ${[...files.keys()].join(', ')} to ${path.relative(process.cwd(), OUT_DIR)}`);
}
