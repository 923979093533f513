// The committed build is the build of the committed sources: esbuild (the workspace's pinned one) rebuilds web/ in
// memory and every file must match byte for byte, so `npm ci && npm start` serves what the sources say without a
// build step. The browser sources type-check under their own DOM tsconfig (the workspace's is Node-only).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildExplorer, readBuilt } from '../web/build.js';
import { loadExplorerAssets } from './index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the explorer build', () => {
  it('is current: rebuilding web/ gives the committed assets/ (run `npm run build:explorer` after editing web/)', async () => {
    const built = await buildExplorer();
    expect([...readBuilt().keys()].sort()).toEqual([...built.keys()].sort());
    for (const [name, body] of built) expect(readBuilt().get(name), name).toBe(body);
  });

  it('type-checks the browser sources', () => {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', path.join(root, 'packages/explorer/web/tsconfig.json')], { encoding: 'utf8' })).not.toThrow();
  }, 60_000);

  it('loads a page that names exactly the assets it serves, each with its content type', () => {
    const { page, assets } = loadExplorerAssets();
    const html = new TextDecoder().decode(page.body);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    const named = [...html.matchAll(/"\/explorer\/([^"]+)"/g)].map((m) => m[1]);
    expect(named.sort()).toEqual([...assets.keys()].sort());
    expect(assets.get(named.find((n) => n?.endsWith('.js')) ?? '')?.contentType).toBe('text/javascript; charset=utf-8');
    // No outside origin anywhere: no CDN, no font service.
    expect(html).not.toMatch(/https?:\/\//);
  });
});
