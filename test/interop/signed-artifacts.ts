/** Signed artifacts on disk for the rekor-cli interop test, and the hashedrekord leaf each one becomes. */
import crypto from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalize } from '@sigbox/core';

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
