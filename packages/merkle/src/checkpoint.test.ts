import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding, parsePublicKey } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import {
  formatCheckpointBody,
  isRekorV1Origin,
  openCheckpoint,
  parseCheckpoint,
  parseCheckpointBody,
  parseRekorV1Origin,
  rekorV1Origin,
  signCheckpoint,
} from './checkpoint.js';
import {
  NoteError,
  createNoteSigner,
  createNoteVerifier,
  openNote,
  parseSignedNote,
  signNote,
} from './signed-note.js';
import { errorCode } from './__fixtures__/error-code.js';

const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i);
const ROOT_B64 = encoding.toBase64(ROOT);

describe('checkpoint body', () => {
  it('is origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpointBody({ origin: 'log.example', size: 0n, rootHash: ROOT })).toBe(`log.example\n0\n${ROOT_B64}\n`);
    const big = { origin: 'log.example', size: 18446744073709551615n, rootHash: ROOT };
    expect(parseCheckpointBody(formatCheckpointBody(big))).toEqual({ ...big, extensions: [] });
  });

  it('tolerates non-empty extension lines on input', () => {
    const cp = parseCheckpointBody(`rekor.example - 1\n5\n${ROOT_B64}\nTimestamp: 1700000000\nother\n`);
    expect(cp.extensions).toEqual(['Timestamp: 1700000000', 'other']);
    expect(cp.size).toBe(5n);
  });

  const bad: Array<[string, string]> = [
    ['empty origin', `\n1\n${ROOT_B64}\n`],
    ['leading zero', `o\n01\n${ROOT_B64}\n`],
    ['sign', `o\n+1\n${ROOT_B64}\n`],
    ['negative', `o\n-1\n${ROOT_B64}\n`],
    ['size above uint64', `o\n18446744073709551616\n${ROOT_B64}\n`],
    ['missing root', 'o\n1\n'],
    ['31-byte root', `o\n1\n${encoding.toBase64(ROOT.slice(1))}\n`],
    ['unpadded root', `o\n1\n${ROOT_B64.replace('=', '')}\n`],
    ['non-canonical root', `o\n1\n${ROOT_B64.replace(/.=$/, (m) => `${String.fromCharCode(m.charCodeAt(0) + 1)}=`)}\n`],
    ['empty extension line', `o\n1\n${ROOT_B64}\n\nx\n`],
    ['trailing blank line', `o\n1\n${ROOT_B64}\n\n`],
    ['no final newline', `o\n1\n${ROOT_B64}`],
  ];
  for (const [what, text] of bad) {
    it(`rejects ${what}`, () => expect(errorCode(() => parseCheckpointBody(text))).toBe('MALFORMED_CHECKPOINT'));
  }

  it('refuses to format what it could not parse', () => {
    expect(errorCode(() => formatCheckpointBody({ origin: 'a\nb', size: 1n, rootHash: ROOT }))).toBe('MALFORMED_CHECKPOINT');
    expect(errorCode(() => formatCheckpointBody({ origin: 'o', size: -1n, rootHash: ROOT }))).toBe('MALFORMED_CHECKPOINT');
    expect(errorCode(() => formatCheckpointBody({ origin: 'o', size: 1n, rootHash: ROOT.slice(1) }))).toBe('MALFORMED_CHECKPOINT');
  });
});

describe('signCheckpoint / openCheckpoint', () => {
  it('round-trips a C2SP (Rekor v2 style) checkpoint signed with Ed25519 under the origin', async () => {
    const origin = 'log2026-1.rekor.example.internal';
    const signer = createEphemeralSigner('ed25519');
    const note = await signCheckpoint({ origin, size: 70000n, rootHash: ROOT }, [createNoteSigner(origin, signer)]);
    const verifier = createNoteVerifier(origin, signer.publicKey);
    const cp = openCheckpoint(note, [verifier], { origin });
    expect(cp).toMatchObject({ origin, size: 70000n, extensions: [], verifiedBy: [verifier] });
    expect(encoding.toBase64(cp.rootHash)).toBe(ROOT_B64);
    expect(isRekorV1Origin(origin)).toBe(false);
    expect(errorCode(() => openCheckpoint(note, [verifier], { origin: 'other.example' }))).toBe('UNEXPECTED_ORIGIN');
  });

  it('round-trips a Rekor v1 checkpoint: origin "<host> - <treeID>", signed by ECDSA as <host>', async () => {
    const origin = rekorV1Origin('rekor.example.com', 1193050959916656506n);
    expect(origin).toBe('rekor.example.com - 1193050959916656506');
    const signer = createEphemeralSigner('ecdsa-p256');
    const note = await signCheckpoint({ origin, size: 1n, rootHash: ROOT }, [createNoteSigner('rekor.example.com', signer)]);
    expect(note.split('\n')[4]?.startsWith('— rekor.example.com ')).toBe(true);
    const cp = openCheckpoint(note, [createNoteVerifier('rekor.example.com', signer.publicKey)], { rekorV1Strict: true });
    expect(parseRekorV1Origin(cp.origin)).toEqual({ hostname: 'rekor.example.com', treeId: 1193050959916656506n });
  });

  it('rejects a signed note whose text is not a checkpoint, and an extra blank line', async () => {
    const signer = createEphemeralSigner('ed25519');
    const noteSigner = createNoteSigner('o', signer);
    const verifier = createNoteVerifier('o', signer.publicKey);
    const note = await signCheckpoint({ origin: 'o', size: 3n, rootHash: ROOT }, [noteSigner]);
    expect(errorCode(() => openCheckpoint(note.replace('\n\n', '\n\n\n'), [verifier]))).toBe('INVALID_SIGNATURE');
    expect(parseCheckpoint(note)).toMatchObject({ origin: 'o', size: 3n });
    const notCheckpoint = await signNote('o\n3\n', [noteSigner]);
    expect(openNote(notCheckpoint, [verifier]).verifiedBy).toEqual([verifier]);
    expect(errorCode(() => openCheckpoint(notCheckpoint, [verifier]))).toBe('MALFORMED_CHECKPOINT');
  });
});

describe('Rekor v1 origins', () => {
  it('follow sigstore-go: ".* - [0-9]+$" is v1, anything else v2', () => {
    expect(isRekorV1Origin('rekor.sigstore.dev - 1193050959916656506')).toBe(true);
    expect(isRekorV1Origin('log2025-1.rekor.sigstore.dev')).toBe(false);
    expect(isRekorV1Origin('rekor.sigstore.dev - 12a')).toBe(false);
    expect(parseRekorV1Origin('log2025-1.rekor.sigstore.dev')).toBeUndefined();
  });

  it('need a valid hostname and a positive int64 tree ID', () => {
    expect(errorCode(() => rekorV1Origin('rekor example', 1n))).toBe('MALFORMED_CHECKPOINT');
    expect(errorCode(() => rekorV1Origin('rekor.example', 0n))).toBe('MALFORMED_CHECKPOINT');
    expect(errorCode(() => rekorV1Origin('rekor.example', 1n << 63n))).toBe('MALFORMED_CHECKPOINT');
  });
});

interface Bundle {
  verificationMaterial: {
    tlogEntries: Array<{ logId: { keyId: string }; inclusionProof: { treeSize: string; rootHash: string; checkpoint: { envelope: string } } }>;
  };
}
interface TrustedRoot {
  tlogs: Array<{ baseUrl: string; publicKey: { rawBytes: string }; logId: { keyId: string } }>;
}

const sigstoreDir = vectorsDir('sigstore');

describe.skipIf(!sigstoreDir)('real Sigstore checkpoints (sigstore-python test assets)', () => {
  // A skipped suite's body still runs to collect its tests: without the vectors there is nothing to read.
  if (!sigstoreDir) return;
  const read = <T>(file: string) => JSON.parse(fs.readFileSync(path.join(sigstoreDir as string, file), 'utf8')) as T;
  const cases = [
    ['bundle_v3.txt.sigstore', 'staging.trusted_root.json', 'rekor.sigstage.dev'],
    ['bundle_v3_github.whl.sigstore', 'production.trusted_root.json', 'rekor.sigstore.dev'],
  ] as const;

  for (const [bundleFile, rootFile, host] of cases) {
    describe(bundleFile, () => {
      const entry = read<Bundle>(bundleFile).verificationMaterial.tlogEntries[0]!;
      const tlog = read<TrustedRoot>(rootFile).tlogs.find((t) => t.logId.keyId === entry.logId.keyId)!;
      const hostname = new URL(tlog.baseUrl).hostname;
      const verifier = createNoteVerifier(hostname, parsePublicKey(encoding.fromBase64(tlog.publicKey.rawBytes)));
      const envelope = entry.inclusionProof.checkpoint.envelope;

      it('verifies with the tlog key, named by the hostname of its baseUrl, and matches the proof', () => {
        expect(hostname).toBe(host);
        expect(encoding.toBase64(verifier.keyId)).toBe(entry.logId.keyId); // v1 logID = SHA-256(SPKI)
        expect(parseSignedNote(envelope).signatures.map((s) => s.name)).toEqual([host]);
        const cp = openCheckpoint(envelope, [verifier], { rekorV1Strict: true });
        expect(cp.verifiedBy).toEqual([verifier]);
        expect(isRekorV1Origin(cp.origin)).toBe(true);
        expect(parseRekorV1Origin(cp.origin)?.hostname).toBe(host);
        expect(cp.size).toBe(BigInt(entry.inclusionProof.treeSize));
        expect(encoding.toBase64(cp.rootHash)).toBe(entry.inclusionProof.rootHash);
      });

      it('is not verified under the origin as key name (the hostname is the name)', () => {
        const origin = parseCheckpoint(envelope).origin;
        expect(origin.includes(' ')).toBe(true); // an origin with spaces cannot be a key name at all
        const other = createNoteVerifier(`${hostname}.evil`, verifier.publicKey);
        expect(errorCode(() => openCheckpoint(envelope, [other]))).toBe('UNVERIFIED_NOTE');
      });

      it('fails after any single byte of body or signature is changed', () => {
        const bytes = encoding.utf8(envelope);
        for (let i = 0; i < bytes.length; i++) {
          for (const flip of [0x01, 0x20]) {
            const altered = Uint8Array.from(bytes);
            altered[i] = (altered[i] ?? 0) ^ flip;
            expect(() => openCheckpoint(altered, [verifier]), `byte ${i} ^ ${flip}`).toThrow(NoteError);
          }
        }
      });
    });
  }
});
