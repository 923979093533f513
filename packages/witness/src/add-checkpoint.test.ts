import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import {
  EMPTY_ROOT,
  createCosignatureSigner,
  createCosignatureVerifier,
  createNoteSigner,
  createNoteVerifier,
  formatSignatureLine,
  openCheckpoint,
  parseSignedNote,
  signCheckpoint,
  signNote,
} from '@sigbox/merkle';
import { afterAll, describe, expect, it } from 'vitest';
import { addCosignatures, cosignedBy } from './cosigned-note.js';
import { WitnessError } from './error.js';
import { formatAddCheckpointRequest, readAddCheckpointResponse } from './add-checkpoint.js';
import { addCheckpointUrl, postAddCheckpoint } from './witness-client.js';
import type { PolicyWitness } from './policy.js';

const ORIGIN = 'log.example/v2';
const logKey = createEphemeralSigner('ed25519');
const logVerifier = createNoteVerifier(ORIGIN, logKey.publicKey);
const root = encoding.fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
const checkpoint = await signCheckpoint({ origin: ORIGIN, size: 9n, rootHash: root }, [createNoteSigner(ORIGIN, logKey)]);
const text = parseSignedNote(checkpoint).text;

function witness(name: string) {
  const key = createEphemeralSigner('ed25519');
  const verifier = createCosignatureVerifier(name, key.publicKey);
  const cosign = async (t = text) => parseSignedNote(await signNote(t, [createCosignatureSigner(name, key)])).signatures;
  return { verifier, cosign, policy: { name: name.split('/')[0] ?? name, key: verifier, url: 'http://127.0.0.1:1' } satisfies PolicyWitness };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof WitnessError) return error.code;
    throw error;
  }
  return undefined;
}

describe('add-checkpoint request', () => {
  it('writes old size, one base64 hash per line, a blank line and the checkpoint', () => {
    const proof = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const body = formatAddCheckpointRequest(7n, proof, checkpoint);
    expect(body).toBe(`old 7\n${encoding.toBase64(proof[0]!)}\n${encoding.toBase64(proof[1]!)}\n\n${checkpoint}`);
    expect(formatAddCheckpointRequest(0n, [], checkpoint)).toBe(`old 0\n\n${checkpoint}`);
  });

  it('refuses what the spec forbids sending', () => {
    expect(code(() => formatAddCheckpointRequest(0n, [new Uint8Array(32)], checkpoint))).toBe('INVALID_REQUEST');
    expect(code(() => formatAddCheckpointRequest(1n, Array.from({ length: 64 }, () => new Uint8Array(32)), checkpoint))).toBe('INVALID_REQUEST');
    expect(code(() => formatAddCheckpointRequest(1n, [new Uint8Array(31)], checkpoint))).toBe('INVALID_REQUEST');
    expect(code(() => formatAddCheckpointRequest(-1n, [], checkpoint))).toBe('INVALID_REQUEST');
  });
});

describe('add-checkpoint answers', () => {
  const w1 = witness('w1.example/witness');
  const w2 = witness('w2.example/witness');

  it('200: keeps the verified cosignature lines of the witness key, drops other keys', async () => {
    const mine = await w1.cosign();
    const others = await w2.cosign();
    const body = [...others, ...mine].map(formatSignatureLine).join('');
    const outcome = readAddCheckpointResponse({ status: 200, contentType: 'text/plain', body }, w1.verifier, text, 9n);
    expect(outcome).toEqual({ kind: 'cosigned', signatures: mine });
  });

  it('200: refuses a cosignature over another checkpoint, an answer without one, and a body that is not signature lines', async () => {
    const other = await w1.cosign(`${ORIGIN}\n10\n${encoding.toBase64(root)}\n`);
    const bad = { status: 200, contentType: 'text/plain', body: other.map(formatSignatureLine).join('') };
    expect(code(() => readAddCheckpointResponse(bad, w1.verifier, text, 9n))).toBe('INVALID_COSIGNATURE');
    const foreign = { status: 200, contentType: 'text/plain', body: (await w2.cosign()).map(formatSignatureLine).join('') };
    expect(code(() => readAddCheckpointResponse(foreign, w1.verifier, text, 9n))).toBe('INVALID_COSIGNATURE');
    expect(code(() => readAddCheckpointResponse({ status: 200, contentType: 'text/plain', body: 'ok\n' }, w1.verifier, text, 9n))).toBe('INVALID_RESPONSE');
  });

  it('409: the witness size in text/x.tlog.size, checked', () => {
    const conflict = (body: string, contentType = 'text/x.tlog.size') => readAddCheckpointResponse({ status: 409, contentType, body }, w1.verifier, text, 9n);
    expect(conflict('4\n')).toEqual({ kind: 'conflict', size: 4n });
    expect(conflict('9\n', 'text/x.tlog.size; charset=utf-8')).toEqual({ kind: 'conflict', size: 9n });
    expect(code(() => conflict('12\n'))).toBe('WITNESS_AHEAD');
    expect(code(() => conflict('4\n', 'text/plain'))).toBe('INVALID_RESPONSE');
    expect(code(() => conflict('04\n'))).toBe('INVALID_RESPONSE');
    expect(code(() => conflict('4'))).toBe('INVALID_RESPONSE');
  });

  it('maps 400, 403, 404, 422 and anything else to typed errors', () => {
    const status = (s: number) => code(() => readAddCheckpointResponse({ status: s, contentType: 'text/plain', body: 'no\n' }, w1.verifier, text, 9n));
    expect([400, 403, 404, 422, 500, 503].map(status)).toEqual(['BAD_REQUEST', 'SIGNATURE_REFUSED', 'UNKNOWN_LOG', 'INCONSISTENT', 'UNEXPECTED_STATUS', 'UNEXPECTED_STATUS']);
  });
});

describe('cosigned notes', () => {
  const w1 = witness('w1.example/witness');
  const w2 = witness('w2.example/witness');

  it('appends cosignatures after the log signature, one line per key, and they verify beside it', async () => {
    const once = addCosignatures(checkpoint, await w1.cosign());
    const twice = addCosignatures(addCosignatures(once, await w2.cosign()), await w1.cosign());
    const lines = parseSignedNote(twice).signatures.map((s) => s.name);
    expect(lines).toEqual([ORIGIN, 'w1.example/witness', 'w2.example/witness']);
    expect(openCheckpoint(twice, [logVerifier, w1.verifier, w2.verifier]).verifiedBy).toHaveLength(3);
    expect(cosignedBy(twice, [w1.policy, w2.policy])).toEqual(new Set([w1.policy.name, w2.policy.name]));
    expect(cosignedBy(checkpoint, [w1.policy])).toEqual(new Set());
    // A cosignature moved onto another checkpoint does not count.
    const empty = await signCheckpoint({ origin: ORIGIN, size: 0n, rootHash: new Uint8Array(EMPTY_ROOT) }, [createNoteSigner(ORIGIN, logKey)]);
    expect(cosignedBy(addCosignatures(empty, await w1.cosign()), [w1.policy])).toEqual(new Set());
  });
});

describe('witness client', () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/slow/add-checkpoint') return void setTimeout(() => res.end('late'), 2_000);
      res.writeHead(409, { 'content-type': 'text/x.tlog.size' }).end(`${req.method} ${req.url} ${body.split('\n')[0]}\n`);
    });
  });
  const listening = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('POSTs to <prefix>/add-checkpoint with or without a trailing slash', async () => {
    const base = await listening;
    expect(addCheckpointUrl('https://w.example/a/b').href).toBe('https://w.example/a/b/add-checkpoint');
    expect(addCheckpointUrl('https://w.example/a/b/').href).toBe('https://w.example/a/b/add-checkpoint');
    const answer = await postAddCheckpoint(`${base}/p`, 'old 3\n\n');
    expect(answer).toEqual({ status: 409, contentType: 'text/x.tlog.size', body: 'POST /p/add-checkpoint old 3\n' });
  });

  it('gives up after the timeout and says so; a closed port is UNREACHABLE', async () => {
    const base = await listening;
    const started = Date.now();
    await expect(postAddCheckpoint(`${base}/slow`, 'old 0\n\n', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect(postAddCheckpoint('http://127.0.0.1:1', 'old 0\n\n')).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
