import type { Database } from '@sigbox/db';
import type { Targets } from '@tufjs/models';
import { type RoleName, type SignedDocument, type TargetInput, parseDocument, readOnlineState, secondsUntilExpiry, sha256Hex, toMetadata } from '@sigbox/tuf';
import { boxTufTargets } from '../trust/box-trust-files.js';
import { readTrustKeys } from '../trust/trust-keys.js';
import { type BoxDatabase, withBoxDatabase } from './tuf-database.js';
import { samePublication } from './tuf-publication.js';
import { OFFLINE_WARNING_MS } from './tuf-service.js';
import { type TufStore, type TufTables, createTufStore } from './tuf-store.js';

const ROLES: readonly RoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];
const OFFLINE: ReadonlySet<RoleName> = new Set(['root', 'targets']);
/**
 * An online role with less than this share of its lifetime left was not re-signed on time: the box re-signs the
 * timestamp with 6/7 left and the snapshot with 30 of 365 days left, and checks 14 times per timestamp lifetime.
 */
const ONLINE_OVERDUE_SHARE = 1 / 14;

export interface TufRoleStatus {
  readonly role: RoleName;
  readonly version: number;
  readonly expires: Date;
  /** When this version was stored. */
  readonly signedAt: Date;
  readonly secondsLeft: number;
}

export interface TufTargetStatus {
  readonly name: string;
  readonly sha256: string;
  readonly length: number;
  /** The legacy `custom.sigstore` fields cosign v2 selects by. */
  readonly usage?: string;
  readonly status?: string;
}

/** Whether the served targets are what the box would publish now (undefined: not computable, e.g. none served). */
export interface TufFreshness {
  readonly publicUrl: string;
  readonly ctLog: boolean;
  readonly same: boolean;
  /** Target names added, removed or changed since the served version. */
  readonly changed: readonly string[];
}

export interface TufStatus {
  readonly now: Date;
  readonly roles: readonly TufRoleStatus[];
  readonly targets: readonly TufTargetStatus[];
  readonly freshness: TufFreshness | undefined;
  readonly warnings: readonly string[];
  /** Roles whose newest version has expired: clients refuse to update (exit 1). */
  readonly expired: readonly RoleName[];
}

type Custom = { sigstore?: { usage?: string; status?: string; uri?: string } };

async function latestWithTime(db: Database, role: RoleName): Promise<{ doc: SignedDocument; signedAt: Date } | undefined> {
  const row = await db.kysely
    .withTables<{ tuf_metadata: TufTables['tuf_metadata'] & { created_at: Date } }>()
    .selectFrom('tuf_metadata')
    .select(['body', 'created_at'])
    .where('role', '=', role)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { doc: parseDocument(row.body, role), signedAt: row.created_at };
}

function targetsOf(doc: SignedDocument): TufTargetStatus[] {
  return Object.values((toMetadata(doc).signed as Targets).targets).map((t) => {
    const legacy = (t.unrecognizedFields.custom as Custom | undefined)?.sigstore;
    return { name: t.path, sha256: t.hashes.sha256 ?? '', length: t.length, ...(legacy?.usage ? { usage: legacy.usage } : {}), ...(legacy?.status ? { status: legacy.status } : {}) };
  });
}

/**
 * What the box would publish now, with the settings read back from what it published: the public URL from the
 * legacy targets' `uri`, the CT log from `ctfe.pub`, the OIDC issuer and the signing log from the signing config.
 */
async function freshnessOf(db: Database, store: TufStore, doc: SignedDocument, publicUrl: string | undefined): Promise<TufFreshness | undefined> {
  const signed = toMetadata(doc).signed as Targets;
  const files = Object.values(signed.targets);
  const url = publicUrl ?? files.map((t) => (t.unrecognizedFields.custom as Custom | undefined)?.sigstore?.uri).find((u) => u !== undefined);
  if (url === undefined) return undefined;
  const config = files.find((t) => t.path === 'signing_config.v0.2.json');
  const body = config && (await store.target(`${config.hashes.sha256}.${config.path}`));
  const published = body && (JSON.parse(Buffer.from(body).toString('utf8')) as { oidcUrls?: Array<{ url?: string }>; rekorTlogUrls?: Array<{ majorApiVersion?: number }> });
  const oidcUrl = published && published.oidcUrls?.[0]?.url;
  const signingLog = published && published.rekorTlogUrls?.some((u) => u.majorApiVersion === 2) === false ? ('v1' as const) : undefined;
  const options = { publicUrl: url, ctLog: signed.targets['ctfe.pub'] !== undefined, oidcUrl, signingLog };
  const wanted: TargetInput[] = boxTufTargets(await readTrustKeys(db), options);
  const names = new Set([...wanted.map((t) => t.name), ...files.map((t) => t.path)]);
  const changed = [...names].filter((name) => {
    const w = wanted.find((t) => t.name === name);
    const p = signed.targets[name];
    return w === undefined || p === undefined || p.hashes.sha256 !== sha256Hex(w.bytes) || JSON.stringify(p.unrecognizedFields.custom ?? null) !== JSON.stringify(w.custom ?? null);
  });
  return { publicUrl: url, ctLog: options.ctLog, same: samePublication(doc, wanted), changed };
}

function roleWarnings(status: TufRoleStatus, now: Date): string[] {
  const left = status.expires.getTime() - now.getTime();
  const days = Math.floor(left / 86_400_000);
  if (left <= 0) return [`${status.role} v${status.version} EXPIRED at ${status.expires.toISOString()}: clients refuse to update`];
  if (OFFLINE.has(status.role) && left < OFFLINE_WARNING_MS) {
    const how = status.role === 'root' ? '`sigbox tuf sign-root`' : '`sigbox tuf publish --force` (or let the box re-sign it, if it holds the targets key)';
    return [`${status.role} v${status.version} expires in ${days} days (${status.expires.toISOString()}): sign a new one with ${how}`];
  }
  const lifetime = status.expires.getTime() - status.signedAt.getTime();
  if (!OFFLINE.has(status.role) && left < lifetime * ONLINE_OVERDUE_SHARE) {
    return [`${status.role} v${status.version} expires ${status.expires.toISOString()} and was not re-signed on schedule: is a box running with the ${status.role} key?`];
  }
  return [];
}

/** `sigbox tuf status` on an open database: read-only. */
export async function readTufStatusFrom(db: Database, options: { now?: Date; publicUrl?: string } = {}): Promise<TufStatus> {
  const now = options.now ?? new Date();
  const store = createTufStore(db);
  const roles: TufRoleStatus[] = [];
  const docs: Partial<Record<RoleName, SignedDocument>> = {};
  const warnings: string[] = [];
  for (const role of ROLES) {
    const found = await latestWithTime(db, role);
    if (found === undefined) {
      warnings.push(role === 'targets' ? 'no targets published yet: the box signs them if it holds the targets key, else run `sigbox tuf publish`' : `no ${role} published yet`);
      continue;
    }
    docs[role] = found.doc;
    const status = { role, version: found.doc.version, expires: found.doc.expires, signedAt: found.signedAt, secondsLeft: secondsUntilExpiry(found.doc.expires, now) };
    roles.push(status);
    warnings.push(...roleWarnings(status, now));
  }
  if (docs.targets && docs.snapshot) {
    const pinned = readOnlineState({ targets: docs.targets, snapshot: docs.snapshot }).snapshot?.targetsVersion;
    if (pinned !== docs.targets.version) warnings.push(`snapshot v${docs.snapshot.version} still pins targets v${pinned}: the box re-signs it at its next round (is one running?)`);
  }
  const freshness = docs.targets && (await freshnessOf(db, store, docs.targets, options.publicUrl));
  if (freshness && !freshness.same) {
    warnings.push(`the trust files changed since targets v${docs.targets?.version} (${freshness.changed.join(', ')}): the box signs them if it holds the targets key, else run \`sigbox tuf publish\``);
  }
  return { now, roles, targets: docs.targets ? targetsOf(docs.targets) : [], freshness, warnings, expired: roles.filter((r) => r.secondsLeft <= 0).map((r) => r.role) };
}

/** {@link readTufStatusFrom} on the box's database, opened and closed here. */
export async function readTufStatus(where: BoxDatabase & { now?: Date; publicUrl?: string }): Promise<TufStatus> {
  return withBoxDatabase(where, (db) => readTufStatusFrom(db, where));
}
