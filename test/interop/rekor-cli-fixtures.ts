/**
 * What the rekor-cli interop test needs around the binary: locating it, running it time-bound with its own
 * HOME, and signed artifacts on disk.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalize } from '@sigbox/core';
import { toolAvailable } from '@sigbox/testkit';

/** Every rekor-cli call is killed after this: a hung client must fail the test, not the suite timeout. */
export const REKOR_CLI_TIMEOUT_MS = 30_000;
const WHY = 'Rekor v1 interop with the real client; set REKOR_CLI=/path/to/rekor-cli or put rekor-cli on PATH';

/**
 * The rekor-cli binary: `REKOR_CLI` (a path; it must then be executable) or `rekor-cli` on PATH. Undefined
 * skips the suite with a message; under CI=true an absent client fails (testkit `toolAvailable`).
 */
export function findRekorCli(): string | undefined {
  const fromEnv = process.env.REKOR_CLI;
  if (fromEnv !== undefined && fromEnv !== '') {
    fs.accessSync(fromEnv, fs.constants.X_OK); // a wrong REKOR_CLI is a set-up error, not a reason to skip
    return fromEnv;
  }
  return toolAvailable('rekor-cli', WHY) ? 'rekor-cli' : undefined;
}

export interface CliResult {
  /** Exit status; `timeout` when killed after REKOR_CLI_TIMEOUT_MS. */
  code: number | 'timeout';
  stdout: string;
  stderr: string;
}

/** Runs rekor-cli against `server` with HOME (hence ~/.rekor/state.json) in `home`; never rejects. */
export function runRekorCli(binary: string, server: string, home: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, HOME: home };
    execFile(binary, [...args, '--rekor_server', server], { env, timeout: REKOR_CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; killed?: boolean }) | null;
      const code = failed === null ? 0 : failed.killed ? 'timeout' : typeof failed.code === 'number' ? failed.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** An artifact, its detached signature and key on disk, and the hashedrekord leaf they become. */
export interface SignedArtifact {
  artifact: string;
  signature: string;
  publicKey: string;
  /** Hex SHA-256 of the artifact bytes. */
  digest: string;
  /** Hex RFC 6962 leaf hash of the canonical hashedrekord body: the entry UUID. */
  uuid: string;
}

export interface ArtifactKey {
  privateKey: crypto.KeyObject;
  /** Path of the SPKI PEM file. */
  publicKeyPath: string;
  publicKeyPem: string;
}

/** A fresh P-256 key with its public half written to `<dir>/<name>.pub.pem`. */
export async function createArtifactKey(dir: string, name: string): Promise<ArtifactKey> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const publicKeyPath = path.join(dir, `${name}.pub.pem`);
  await writeFile(publicKeyPath, publicKeyPem);
  return { privateKey, publicKeyPath, publicKeyPem };
}

/** Writes `content` and its ASN.1 DER ECDSA-SHA256 signature (what `openssl dgst -sha256 -sign` makes). */
export async function signArtifact(dir: string, name: string, content: string, key: ArtifactKey): Promise<SignedArtifact> {
  const data = Buffer.from(content);
  const signature = crypto.sign('sha256', data, key.privateKey);
  const artifact = path.join(dir, name);
  await writeFile(artifact, data);
  await writeFile(`${artifact}.sig`, signature);
  const digest = crypto.createHash('sha256').update(data).digest('hex');
  return { artifact, signature: `${artifact}.sig`, publicKey: key.publicKeyPath, digest, uuid: hashedrekordUuid(digest, signature, key.publicKeyPem) };
}

/**
 * The UUID a Rekor v1 log must give this entry, computed independently of the server: SHA-256(0x00 ‖ JCS of
 * the canonical hashedrekord 0.0.1 body) (rekor pkg/types/hashedrekord/v0.0.1 Canonicalize; RFC 6962 §2.1).
 */
function hashedrekordUuid(digest: string, signature: Buffer, publicKeyPem: string): string {
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest } },
      signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(publicKeyPem).toString('base64') } },
    },
  };
  return crypto.createHash('sha256').update(Buffer.from([0])).update(canonicalize(body)).digest('hex');
}
