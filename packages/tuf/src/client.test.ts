// The repository as the real sigstore-js TUF client (tuf-js 6 `Updater`) sees it, served over HTTP on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { TRUSTED_ROOT_V1, type TestRepository, createTestRepository } from './__fixtures__/repository.js';
import { type TufClient, createTufClient } from '@sigbox/testkit';
import { type TufServer, startTufServer } from './__fixtures__/tuf-server.js';
import { buildRoot, buildTimestamp, signMetadata, signRoot, targetPath, toMetadata } from './index.js';
import type { Root } from '@tufjs/models';

const DAY_MS = 86_400_000;
let server: TufServer;
let repo: TestRepository;
let client: TufClient;

beforeEach(async () => {
  server = await startTufServer();
  repo = await createTestRepository(server);
  client = await createTufClient(server.url, repo.root.bytes);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

function text(bytes: Uint8Array): string {
  return encoding.fromUtf8(bytes);
}

describe('tuf-js against the repository', () => {
  it('fetches trusted_root.json byte for byte through the consistent-snapshot layout', async () => {
    expect(text(await client.fetchTarget('trusted_root.json'))).toBe(TRUSTED_ROOT_V1);
    expect(text(await client.fetchTarget('rekor.pub'))).toBe('rekor key v1');
    const hashed = targetPath('trusted_root.json', encoding.utf8(TRUSTED_ROOT_V1));
    expect(server.requests).toEqual(expect.arrayContaining(['/tuf/2.root.json', '/tuf/timestamp.json', '/tuf/1.snapshot.json', '/tuf/1.targets.json', `/tuf/targets/${hashed}`]));
  });

  it('follows a root rotation signed by old and new thresholds, then a new targets version', async () => {
    await client.fetchTarget('trusted_root.json');
    // Root v2 replaces two of the three root keys: only old keys 2+3 meet v1's threshold, only new keys meet v2's.
    const [k1, k2, k3] = repo.rootSigners as [typeof repo.rootSigners[0], typeof repo.rootSigners[0], typeof repo.rootSigners[0]];
    const k4 = createEphemeralSigner();
    const k5 = createEphemeralSigner();
    const offline = { keys: [k1.publicKey, k4.publicKey, k5.publicKey], threshold: 2 };
    const online = { keys: [repo.online.publicKey], threshold: 1 };
    const v2 = buildRoot({ version: 2, expires: new Date(Date.now() + 365 * DAY_MS), roles: { root: offline, targets: { keys: [k2.publicKey, k3.publicKey], threshold: 2 }, snapshot: online, timestamp: online } });
    const root2 = await signRoot(v2, { previous: repo.root, oldRootSigners: [k2, k3], newRootSigners: [k4, k5] });
    server.publish(root2);
    await repo.publishTargets(2, { 'trusted_root.json': '{"v":2}', 'signing_config.v0.2.json': '{}', 'rekor.pub': 'rekor key v2' });
    expect(await repo.refreshOnline(new Date())).toEqual(['snapshot', 'timestamp']);

    expect(text(await client.fetchTarget('trusted_root.json'))).toBe('{"v":2}');
    expect(await client.trustedRootVersion()).toBe(2);
    // A client that never saw anything but root v1 gets there too.
    const fresh = await createTufClient(server.url, repo.root.bytes);
    try {
      expect(text(await fresh.fetchTarget('rekor.pub'))).toBe('rekor key v2');
      expect(await fresh.trustedRootVersion()).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a root v2 signed by the new keys only', async () => {
    const k4 = createEphemeralSigner();
    const k5 = createEphemeralSigner();
    const signed = toMetadata(repo.root).signed as Root;
    const online = { keys: [repo.online.publicKey], threshold: 1 };
    const v2 = buildRoot({ version: 2, expires: new Date(Date.now() + DAY_MS), roles: { root: { keys: [k4.publicKey, k5.publicKey], threshold: 2 }, targets: { keys: [k4.publicKey], threshold: 1 }, snapshot: online, timestamp: online } });
    expect(signed.version).toBe(1);
    await expect(signRoot(v2, { previous: repo.root, newRootSigners: [k4, k5] })).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    server.publish(await signMetadata(v2, [k4, k5]));
    await expect(client.fetchTarget('trusted_root.json')).rejects.toThrow(/root was signed by 0\/2 keys/);
  });

  it('refuses an expired timestamp and accepts the one the planner re-signs', async () => {
    // The timestamp the server would have left behind had it stopped: expired a minute ago.
    const stale = await signMetadata(
      buildTimestamp({ version: repo.timestamp.version + 1, expires: new Date(Date.now() - 60_000), snapshot: repo.snapshot }),
      [repo.online],
    );
    server.publish((repo.timestamp = stale));
    await expect(client.fetchTarget('trusted_root.json')).rejects.toThrow(/expired/i);
    expect(await repo.refreshOnline(new Date())).toEqual(['timestamp']);
    expect(repo.timestamp.version).toBe(stale.version + 1);
    expect(text(await client.fetchTarget('trusted_root.json'))).toBe(TRUSTED_ROOT_V1);
  });

  it('re-signs a timestamp inside its refresh window, and the client takes the new version', async () => {
    expect(await client.fetchTarget('trusted_root.json')).toBeDefined();
    const before = repo.timestamp.version;
    // The default policy re-signs the 7-day timestamp once less than 6 days remain: a day and a minute later.
    expect(await repo.refreshOnline(new Date(Date.now() + DAY_MS + 60_000))).toEqual(['timestamp']);
    expect(await repo.refreshOnline(new Date(Date.now() + DAY_MS + 120_000))).toEqual([]);
    expect(repo.timestamp.version).toBe(before + 1);
    expect(text(await client.fetchTarget('trusted_root.json'))).toBe(TRUSTED_ROOT_V1);
    expect(server.requests.filter((p) => p === '/tuf/timestamp.json')).toHaveLength(2);
  });

  it('refuses a tampered target', async () => {
    const path = `targets/${targetPath('trusted_root.json', encoding.utf8(TRUSTED_ROOT_V1))}`;
    server.files.set(path, encoding.utf8(TRUSTED_ROOT_V1.replace('tlogs', 'tlogz')));
    await expect(client.fetchTarget('trusted_root.json')).rejects.toThrow(/hash/i);
  });

  it('refuses a timestamp signed by a key the root does not name', async () => {
    const forged = await signMetadata(
      buildTimestamp({ version: repo.timestamp.version + 1, expires: new Date(Date.now() + DAY_MS), snapshot: repo.snapshot }),
      [createEphemeralSigner()],
    );
    server.publish(forged);
    await expect(client.fetchTarget('trusted_root.json')).rejects.toThrow(/timestamp was signed by 0\/1 keys/);
  });
});
