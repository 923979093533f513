// A static file server on 127.0.0.1 for the TUF layout: `/tuf/<name>` answers the bytes stored under `<name>`,
// anything else 404 (which is how clients learn that N+1.root.json does not exist yet).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SignedDocument, metadataPath, targetPath } from '../index.js';

export interface TufServer {
  /** The mirror URL clients are given: `http://127.0.0.1:<port>/tuf`. */
  readonly url: string;
  /** Served files by path below /tuf/, e.g. `1.root.json`, `targets/<sha256>.trusted_root.json`. */
  readonly files: Map<string, Uint8Array>;
  /** Every path requested, in order. */
  readonly requests: string[];
  publish(doc: SignedDocument): void;
  publishTarget(name: string, bytes: Uint8Array): string;
  close(): Promise<void>;
}

export async function startTufServer(): Promise<TufServer> {
  const files = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const body = path.startsWith('/tuf/') ? files.get(path.slice('/tuf/'.length)) : undefined;
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tuf`,
    files,
    requests,
    publish: (doc) => void files.set(metadataPath(doc.role, doc.version), doc.bytes),
    publishTarget: (name, bytes) => {
      const path = `targets/${targetPath(name, bytes)}`;
      files.set(path, bytes);
      return path;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
