/** The JSON the explorer reads, all from this origin (CSP `connect-src 'self'`). */

export interface EntrySummary {
  readonly log: 'v1' | 'v2';
  readonly logIndex: number;
  readonly body: string;
  readonly integratedTime: number | null;
}

export interface EntryList {
  readonly entries: EntrySummary[];
  readonly nextBefore?: number;
}

export interface ProvenEntry extends EntrySummary {
  readonly inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
  /** Rekor v1's own answer carries these too. */
  readonly uuid?: string;
  readonly logID?: string;
  readonly signedEntryTimestamp?: string;
}

export interface LogStatus {
  readonly name: string;
  readonly log: 'v1' | 'v2' | 'ct';
  readonly treeSize: number;
  readonly checkpointTime: string | null;
  readonly perMinute: number[];
}

export interface Status {
  readonly now: string;
  readonly windowMinutes: number;
  readonly logs: LogStatus[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(res.status, body.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

export const EXPLORER_API = '/sigbox/v1/explorer';

export const listEntries = (log: 'v1' | 'v2', before?: number, limit = 20) =>
  getJson<EntryList>(`${EXPLORER_API}/entries?log=${log}&limit=${limit}${before === undefined ? '' : `&before=${before}`}`);

export const searchEntries = (param: 'hash' | 'email' | 'subject' | 'publicKey', value: string) => getJson<EntryList>(`${EXPLORER_API}/search?${param}=${encodeURIComponent(value)}`);

export const getStatus = () => getJson<Status>(`${EXPLORER_API}/status`);

/** A v2 entry with its proof (Sigbox's API: rekor-tiles serves only tiles). */
export const getV2Entry = (index: number) => getJson<ProvenEntry>(`${EXPLORER_API}/v2/entries/${index}`);

/** A v1 entry from the Rekor v1 API itself (`GET /api/v1/log/entries?logIndex=`), as rekor-cli reads it. */
export async function getV1Entry(index: number): Promise<ProvenEntry> {
  const answer = await getJson<Record<string, { body: string; integratedTime: number; logID: string; logIndex: number; verification?: { inclusionProof?: ProvenEntry['inclusionProof']; signedEntryTimestamp?: string } }>>(`/api/v1/log/entries?logIndex=${index}`);
  const [uuid, entry] = Object.entries(answer)[0] ?? [];
  const proof = entry?.verification?.inclusionProof;
  if (uuid === undefined || entry === undefined || proof === undefined) throw new ApiError(502, 'the Rekor v1 answer has no entry with an inclusion proof');
  const set = entry.verification?.signedEntryTimestamp;
  return { log: 'v1', logIndex: entry.logIndex, body: entry.body, integratedTime: entry.integratedTime, inclusionProof: proof, uuid, logID: entry.logID, ...(set === undefined ? {} : { signedEntryTimestamp: set }) };
}

/** The log index of a v1 entry UUID (`GET /api/v1/log/entries/{uuid}`). */
export async function v1IndexOfUuid(uuid: string): Promise<number> {
  const answer = await getJson<Record<string, { logIndex: number }>>(`/api/v1/log/entries/${encodeURIComponent(uuid)}`);
  const entry = Object.values(answer)[0];
  if (entry === undefined) throw new ApiError(404, 'no such entry');
  return entry.logIndex;
}

let trustedRoot: Promise<unknown> | undefined;
/** trusted_root.json, fetched once per page load. */
export const getTrustedRoot = () => (trustedRoot ??= getJson<unknown>('/sigbox/v1/trusted_root.json'));

export interface CertificateEntry {
  readonly leafIndex: number;
  readonly timestamp: number;
  readonly entryType: 'x509' | 'precert';
  readonly certificate: string;
  readonly chain: string[];
}

export interface CertificateList {
  readonly entries: CertificateEntry[];
  readonly nextBefore?: number;
}

export const listCertificates = (before?: number, limit = 20) => getJson<CertificateList>(`${EXPLORER_API}/ct/entries?limit=${limit}${before === undefined ? '' : `&before=${before}`}`);
export const searchCertificates = (subject: string) => getJson<CertificateList>(`${EXPLORER_API}/ct/search?subject=${encodeURIComponent(subject)}`);
export const getCertificate = (index: number) => getJson<CertificateEntry>(`${EXPLORER_API}/ct/entries/${index}`);
