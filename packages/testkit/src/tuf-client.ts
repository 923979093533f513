// The real sigstore-js TUF client (tuf-js `Updater`, what `@sigstore/tuf` runs) over a fresh cache directory
// seeded with a trusted root, as `sigstore.verify({ tufMirrorURL, tufRootPath })` does: the oracle of the TUF tests.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Updater } from 'tuf-js';

export interface TufClient {
  /** Runs the TUF client workflow (spec §5) and downloads `name`: its bytes, or the client's error. */
  fetchTarget(name: string): Promise<Uint8Array>;
  /** The root version the client trusts now (read from its cache). */
  trustedRootVersion(): Promise<number>;
  close(): Promise<void>;
}

export async function createTufClient(mirror: string, rootJson: Uint8Array): Promise<TufClient> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sigbox-tuf-client-'));
  const metadataDir = path.join(dir, 'metadata');
  const targetDir = path.join(dir, 'targets');
  await fs.mkdir(metadataDir);
  await fs.mkdir(targetDir);
  await fs.writeFile(path.join(metadataDir, 'root.json'), rootJson);
  return {
    async fetchTarget(name) {
      // A new Updater per call, as @sigstore/tuf builds one per process: it reloads the cached metadata.
      const updater = new Updater({
        metadataDir,
        metadataBaseUrl: mirror,
        targetDir,
        targetBaseUrl: `${mirror}/targets`,
        config: { fetchRetries: 0, fetchTimeout: 5_000 },
      });
      await updater.refresh();
      const info = await updater.getTargetInfo(name);
      if (info === undefined) throw new Error(`target ${name} not listed`);
      const file = await updater.downloadTarget(info, path.join(targetDir, encodeURIComponent(name)));
      return new Uint8Array(await fs.readFile(file));
    },
    async trustedRootVersion() {
      const root = JSON.parse(await fs.readFile(path.join(metadataDir, 'root.json'), 'utf8')) as { signed: { version: number } };
      return root.signed.version;
    },
    close: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
