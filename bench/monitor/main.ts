/**
 * `sigbox monitor` catch-up benchmark. A log of N entries is built in this process with @sigbox/merkle (`integrate`
 * over the entries' leaf hashes) and served from memory by a small HTTP server: C2SP tlog-tiles (checkpoint signed
 * with a key the bench holds, hash tiles, entry bundles) and, over the same tree, RFC 6962 `get-sth` /
 * `get-entries` (JSON, 256 entries per call) for the same-run comparison. Entries are generated from their index
 * (never all held): Rekor v2 hashedrekord-shaped JSON carrying a real public-good Fulcio certificate, as long as one with its certificate.
 * The real `sigbox monitor --once` (the build: `npm run build` first) then catches up from nothing in a child
 * process; the figure is N / its wall time, start-up included. Run:
 * `node --import tsx --conditions=@sigbox/source bench/monitor/main.ts [--entries 1000000] [--ct-entries 200000]`.
 * Numbers only, no pass/fail (figures in README.md).
 */
import crypto from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { TILE_WIDTH, createMemoryTileStore, createNoteSigner, hashLeaf, integrate, parseTilePath, signCheckpoint, tileToBytes } from '@sigbox/merkle';
import { spawnSigbox, vectorsDir } from '@sigbox/testkit';

const { values: flags } = parseArgs({ options: { entries: { type: 'string', default: '1000000' }, 'ct-entries': { type: 'string', default: '200000' } } });
const ENTRIES = Number(flags.entries);
const CT_ENTRIES = Number(flags['ct-entries']);

// A real Fulcio leaf (public-good, sigstore-python's test vector) so the identity watch parses a real certificate.
const vectors = vectorsDir('sigstore');
if (vectors === undefined) throw new Error('set SIGBOX_VECTORS to the vectors folder (bundle_v3.txt.sigstore)');
const bundle = JSON.parse(await readFile(path.join(vectors, 'bundle_v3.txt.sigstore'), 'utf8')) as {
  verificationMaterial: { certificate: { rawBytes: string } };
};
const CERT = bundle.verificationMaterial.certificate.rawBytes;
// One template, the index written into a fixed slot: generating an entry costs a copy, so the server is not what is measured.
const SLOT = '000000000000';
const TEMPLATE = encoding.utf8(
  JSON.stringify({
    apiVersion: '0.0.2',
    kind: 'hashedrekord',
    spec: {
      hashedRekordV002: {
        data: { algorithm: 'SHA2_256', digest: `${SLOT}${crypto.randomBytes(24).toString('base64')}` },
        signature: { content: crypto.randomBytes(72).toString('base64'), verifier: { keyDetails: 'PKIX_ECDSA_P256_SHA_256', x509Certificate: { rawBytes: CERT } } },
      },
    },
  }),
);
const SLOT_AT = Buffer.from(TEMPLATE).indexOf(SLOT);
function writeEntry(i: number, out: Uint8Array, at: number): void {
  out.set(TEMPLATE, at);
  const digits = String(i).padStart(SLOT.length, '0');
  for (let k = 0; k < SLOT.length; k++) out[at + SLOT_AT + k] = digits.charCodeAt(k);
}
const entry = (i: number) => {
  const out = new Uint8Array(TEMPLATE.length);
  writeEntry(i, out, 0);
  return out;
};

function buildTree(n: number) {
  const store = createMemoryTileStore();
  let size = 0n;
  let root = new Uint8Array(32);
  for (let at = 0; at < n; at += 65_536) {
    const hashes = [];
    for (let i = at; i < Math.min(n, at + 65_536); i++) hashes.push(hashLeaf(entry(i)));
    const result = integrate(size, hashes, store.readTile);
    store.writeTiles(result.tiles);
    size = result.size;
    root = new Uint8Array(result.root);
  }
  return { size, root, readTile: store.readTile };
}

// The entry bundle written in place (each entry once, no per-entry array), not through @sigbox/merkle's
// encodeEntryBundle: a deliberate fast path so the bench measures the monitor, not the server.
function bundleBytes(start: number, width: number): Uint8Array {
  const size = 2 + TEMPLATE.length;
  const out = new Uint8Array(width * size);
  for (let k = 0; k < width; k++) {
    out[k * size] = TEMPLATE.length >> 8;
    out[k * size + 1] = TEMPLATE.length & 0xff;
    writeEntry(start + k, out, k * size + 2);
  }
  return out;
}

function signSth(privateKey: crypto.KeyObject, size: bigint, root: Uint8Array): string {
  const timestamp = BigInt(Date.now());
  const input = Buffer.alloc(50);
  input[1] = 1;
  input.writeBigUInt64BE(timestamp, 2);
  input.writeBigUInt64BE(size, 10);
  input.set(root, 18);
  const sig = crypto.sign('sha256', input, privateKey);
  const ds = Buffer.concat([Buffer.from([4, 3, sig.length >> 8, sig.length & 0xff]), sig]);
  return JSON.stringify({ tree_size: Number(size), timestamp: Number(timestamp), sha256_root_hash: encoding.toBase64(root), tree_head_signature: encoding.toBase64(ds) });
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-monitor-'));
const buildStart = performance.now();
const tree = buildTree(ENTRIES);
console.log(`built a ${ENTRIES}-entry tree in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`);
const signer = createEphemeralSigner('ecdsa-p256');
const ctKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const checkpoint = await signCheckpoint({ origin: '127.0.0.1', size: tree.size, rootHash: tree.root }, [createNoteSigner('127.0.0.1', signer)]);
// The CT view: the first CT_ENTRIES of the same entries (a prefix of the tree), its own root.
const ctTree = CT_ENTRIES === ENTRIES ? tree : buildTree(CT_ENTRIES);
const sth = signSth(ctKey.privateKey, ctTree.size, ctTree.root);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/log/checkpoint') return void res.end(checkpoint);
  if (url.pathname === '/ct/v1/get-sth') return void res.end(sth);
  if (url.pathname === '/ct/v1/get-entries') {
    const start = Number(url.searchParams.get('start'));
    const end = Math.min(Number(url.searchParams.get('end')), start + 255, Number(ctTree.size) - 1);
    const entries = [];
    for (let i = start; i <= end; i++) entries.push({ leaf_input: encoding.toBase64(entry(i)), extra_data: '' });
    return void res.end(JSON.stringify({ entries }));
  }
  if (url.pathname.startsWith('/log/tile/')) {
    const tile = parseTilePath(url.pathname.slice('/log/'.length));
    if (tile.kind === 'entries') return void res.end(bundleBytes(Number(tile.index) * TILE_WIDTH, tile.width));
    const stored = tree.readTile(tile.level, tile.index);
    if (!stored) return void res.writeHead(404).end();
    return void res.end(tileToBytes({ ...stored, hashes: stored.hashes.slice(0, tile.width) }));
  }
  res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
await writeFile(path.join(dir, 'log.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
await writeFile(path.join(dir, 'ct.pub'), ctKey.publicKey.export({ type: 'spki', format: 'pem' }));
// A rule about another organisation (most entries of a shared log: the watch's pre-filter skips them), and one whose
// selector matches every entry and whose expectations hold (the worst case without alerts: each certificate read in
// full and judged).
const policyOf = (pattern: string, expectations: string) =>
  `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: watched\n    selector: { subject: { pattern: "${pattern}" } }\n${expectations}`;
await writeFile(path.join(dir, 'policy.yaml'), policyOf('https://github.com/myorg/.+', '    expectations: { sourceRepositoryRef: refs/heads/main }\n'));
await writeFile(path.join(dir, 'policy-all.yaml'), policyOf('.+', ''));

async function run(label: string, n: number, args: string[]): Promise<void> {
  const started = performance.now();
  const proc = spawnSigbox(['monitor', ...args, '--once', '--state', path.join(dir, `${label.replace(/\W+/g, '-')}.json`)], { fromBuild: true, keepStdout: false });
  const code = await proc.exited();
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${label}: exit ${code}\n${proc.stderr()}`);
  const progress = proc.stderr().split('\n').filter((l) => l.includes('entries/s'));
  console.log(`${label}: ${n} entries in ${seconds.toFixed(1)} s = ${Math.round(n / seconds).toLocaleString('en')} entries/s (progress lines: ${progress.length}; last: ${progress.at(-1) ?? '-'})`);
}

console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
try {
  await run('tiles', ENTRIES, ['--log', `${base}/log`, '--log-key', path.join(dir, 'log.pub')]);
  await run('tiles + identity watch', ENTRIES, ['--log', `${base}/log`, '--log-key', path.join(dir, 'log.pub'), '--policy', path.join(dir, 'policy.yaml')]);
  await run('tiles + identity watch, every entry matched', ENTRIES, ['--log', `${base}/log`, '--log-key', path.join(dir, 'log.pub'), '--policy', path.join(dir, 'policy-all.yaml')]);
  await run('ct get-entries', CT_ENTRIES, ['--log', base, '--kind', 'ct', '--log-key', path.join(dir, 'ct.pub')]);
} finally {
  server.close();
  await rm(dir, { recursive: true, force: true });
}
