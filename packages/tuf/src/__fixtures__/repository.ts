// A Sigbox-shaped TUF repository for tests: three offline root keys (2 of 3, also the targets role, as Sigstore's
// root does), one online key for snapshot and timestamp, published through the planner the server will run.
import { type Signer, createEphemeralSigner, encoding } from '@sigbox/core';
import {
  type SignedDocument,
  buildRoot,
  buildTargets,
  legacyTargetCustom,
  planOnlineRefresh,
  readOnlineState,
  signMetadata,
  signOnlineRefresh,
  signRoot,
} from '../index.js';
import type { TufServer } from './tuf-server.js';

const DAY_MS = 86_400_000;

export interface TestRepository {
  readonly rootSigners: Signer[];
  readonly online: Signer;
  root: SignedDocument;
  targets: SignedDocument;
  snapshot: SignedDocument;
  timestamp: SignedDocument;
  /** Signs and serves targets version `version` with these files. */
  publishTargets(version: number, files: Record<string, string>): Promise<void>;
  /** Runs the planner at `now` and serves what it signed; returns what it re-signed. */
  refreshOnline(now: Date, policy?: Parameters<typeof planOnlineRefresh>[2]): Promise<string[]>;
}

/** What {@link rotateRoot} publishes as targets v2. */
export const TARGETS_V2: Readonly<Record<string, string>> = { 'trusted_root.json': '{"v":2}', 'signing_config.v0.2.json': '{"sc":2}', 'rekor.pub': 'rekor key v2' };

/**
 * Serves root v2, which swaps two of the three root keys (old threshold met by keys 2+3, new by fresh keys 4+5;
 * targets moves to keys 2+3), then targets v2 with a new snapshot and timestamp.
 */
export async function rotateRoot(repo: TestRepository, server: TufServer): Promise<SignedDocument> {
  const [k1, k2, k3] = repo.rootSigners as [Signer, Signer, Signer];
  const [k4, k5] = [createEphemeralSigner(), createEphemeralSigner()];
  const online = { keys: [repo.online.publicKey], threshold: 1 };
  const offline = { keys: [k1.publicKey, k4.publicKey, k5.publicKey], threshold: 2 };
  const v2 = buildRoot({ version: 2, expires: new Date(Date.now() + 365 * DAY_MS), roles: { root: offline, targets: { keys: [k2.publicKey, k3.publicKey], threshold: 2 }, snapshot: online, timestamp: online } });
  const root2 = await signRoot(v2, { previous: repo.root, oldRootSigners: [k2, k3], newRootSigners: [k4, k5] });
  server.publish(root2);
  await repo.publishTargets(2, TARGETS_V2);
  await repo.refreshOnline(new Date());
  return root2;
}

export const TRUSTED_ROOT_V1 = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [] });

export async function createTestRepository(server: TufServer, now = new Date()): Promise<TestRepository> {
  const rootSigners = [createEphemeralSigner(), createEphemeralSigner(), createEphemeralSigner()];
  const online = createEphemeralSigner();
  const offline = { keys: rootSigners.map((s) => s.publicKey), threshold: 2 };
  const root = await signRoot(
    buildRoot({
      version: 1,
      expires: new Date(now.getTime() + 365 * DAY_MS),
      roles: { root: offline, targets: offline, snapshot: { keys: [online.publicKey], threshold: 1 }, timestamp: { keys: [online.publicKey], threshold: 1 } },
    }),
    { newRootSigners: rootSigners.slice(0, 2) },
  );
  server.publish(root);
  const repo = { rootSigners, online, root } as TestRepository;
  repo.publishTargets = async (version, files) => {
    const targets = Object.entries(files).map(([name, text]) => ({
      name,
      bytes: encoding.utf8(text),
      ...(name === 'rekor.pub' ? { custom: legacyTargetCustom('Rekor', 'https://rekor.example') } : {}),
    }));
    repo.targets = await signMetadata(buildTargets({ version, expires: new Date(now.getTime() + 180 * DAY_MS), targets }), rootSigners.slice(1));
    server.publish(repo.targets);
    for (const t of targets) server.publishTarget(t.name, t.bytes);
  };
  repo.refreshOnline = async (at, policy) => {
    const state = readOnlineState({ targets: repo.targets, ...(repo.snapshot ? { snapshot: repo.snapshot, timestamp: repo.timestamp } : {}) });
    const plan = planOnlineRefresh(state, at, policy);
    const signed = await signOnlineRefresh(plan, { snapshot: [online], timestamp: [online] }, repo.snapshot);
    if (signed.snapshot) server.publish((repo.snapshot = signed.snapshot));
    if (signed.timestamp) server.publish((repo.timestamp = signed.timestamp));
    return Object.keys(signed);
  };
  await repo.publishTargets(1, { 'trusted_root.json': TRUSTED_ROOT_V1, 'signing_config.v0.2.json': '{}', 'rekor.pub': 'rekor key v1' });
  await repo.refreshOnline(now);
  return repo;
}
