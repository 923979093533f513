/**
 * Explorer benchmark: how long the explorer's first page takes with a 1,000,000-entry log. Fills a fresh PostgreSQL
 * database by direct SQL (fill.ts), serves the explorer's API and assets through the real pipeline (createApp +
 * createExplorerApi, the assets `sigbox up` serves), then times (1) each API read the pages make, over HTTP, and
 * (2) with Debian's chromium (playwright-core), a cold page load until the newest entries are on screen, and the
 * search page for a popular identity. Run: `node --import tsx --conditions=@sigbox/source bench/explorer/main.ts
 * [--entries 1000000] [--runs 20]` with TEST_DATABASE_URL set (an admin URL: a database is created and dropped).
 * Numbers only, no pass/fail (the target is in README.md).
 */
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { encoding, spkiDer } from '@sigbox/core';
import { sql } from '@sigbox/db';
import { loadExplorerAssets } from '@sigbox/explorer';
import { createApp, createExplorerApi, createLogger } from '@sigbox/server';
import { createTestDatabase, findTool, testKey } from '@sigbox/testkit';
import { chromium } from 'playwright-core';
import { POPULAR_IDENTITY, TREE_ID, digestOf, fillTree } from './fill.js';

const { values: flags } = parseArgs({ options: { entries: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '20' } } });
const ENTRIES = Number(flags.entries);
const RUNS = Number(flags.runs);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timeGet(url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

const db = await createTestDatabase({ engine: 'postgres' });
try {
  const spki = encoding.toBase64(spkiDer(testKey('ecdsa-p256').publicKey));
  const fillStart = performance.now();
  await fillTree(db, ENTRIES, spki, (done) => process.stderr.write(`\rfilled ${done.toLocaleString('en')} entries`));
  process.stderr.write(`\rfilled ${ENTRIES.toLocaleString('en')} entries in ${((performance.now() - fillStart) / 1000).toFixed(0)} s\n`);

  const shard = { treeId: TREE_ID, indexOffset: 0n };
  const explorer = createExplorerApi({
    db,
    site: loadExplorerAssets(),
    // The one filled tree plays both generations: the home page lists v1 and v2 entries, each from 1,000,000.
    v1Shards: () => [shard],
    // The v2 entry page (a proof from tiles) is not measured: the fill writes no tiles.
    v2: { treeId: TREE_ID, tree: undefined as never },
    statusTrees: () => [
      { name: 'rekor', log: 'v1', treeId: TREE_ID },
      { name: 'rekor-v2', log: 'v2', treeId: TREE_ID },
    ],
  });
  // An empty trusted root, so the status page (which lists its keys) renders.
  const trustedRoot = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
  const app = createApp({ logger: createLogger({ level: 'error' }), apis: [explorer], trustFiles: () => [{ name: 'trusted_root.json', contentType: 'application/json', body: trustedRoot }] });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const digest = await digestOf(db, Math.floor(ENTRIES / 3));
  const reads: Array<[string, string]> = [
    ['newest 10 (home page, each log)', '/sigbox/v1/explorer/entries?log=v2&limit=10'],
    ['newest 20, page 1000 deep (cursor)', `/sigbox/v1/explorer/entries?log=v2&before=${ENTRIES - 20_000}`],
    ['search by digest (1 match per log)', `/sigbox/v1/explorer/search?hash=${digest}`],
    ['search by identity (1,000 matches)', '/sigbox/v1/explorer/search?subject=dev7%40example.com'],
    [`search by identity (${(ENTRIES / 10).toLocaleString('en')} matches)`, `/sigbox/v1/explorer/search?subject=${encodeURIComponent(POPULAR_IDENTITY)}`],
    ['status (6 h of minutes, 2 logs)', '/sigbox/v1/explorer/status'],
  ];
  console.log(`\nExplorer on ${ENTRIES.toLocaleString('en')} entries; ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, PostgreSQL`);
  console.log('\nAPI over HTTP (median / p95 of %d, first call included):', RUNS);
  for (const [name, path] of reads) {
    const t = await timeGet(`${base}${path}`);
    console.log(`  ${name.padEnd(40)} ${ms(quantile(t, 0.5)).padStart(9)} / ${ms(quantile(t, 0.95)).padStart(9)}   (first ${ms(t[0] as number)})`);
  }

  const executablePath = findTool({ command: 'chromium', why: 'the page-load half of the explorer bench' });
  if (executablePath !== undefined) {
    const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    const pages: Array<[string, string, string]> = [
      ['home: search + newest of both logs', '/', 'table.list'],
      [`search page, ${(ENTRIES / 10).toLocaleString('en')}-match identity`, `/#/search?subject=${encodeURIComponent(POPULAR_IDENTITY)}`, 'table.list'],
      ['status page', '/#/status', 'svg.chart'],
    ];
    console.log('\nPage in chromium, cold cache, navigation → content on screen (median / p95 of %d):', Math.min(RUNS, 10));
    for (const [name, path, selector] of pages) {
      const times: number[] = [];
      for (let i = 0; i < Math.min(RUNS, 10); i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const start = performance.now();
        await page.goto(`${base}${path}`);
        await page.locator(selector).last().waitFor();
        times.push(performance.now() - start);
        await context.close();
      }
      console.log(`  ${name.padEnd(40)} ${ms(quantile(times, 0.5)).padStart(9)} / ${ms(quantile(times, 0.95)).padStart(9)}`);
    }
    await browser.close();
  }
  const { rows } = await sql<{ server_version: string }>`SHOW server_version`.execute(db.kysely);
  console.log(`\n(PostgreSQL ${rows[0]?.server_version})`);
  server.close();
} finally {
  await db.close();
}
