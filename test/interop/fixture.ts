/**
 * What the interop suites assert around the stack they share (testkit `startInteropStack`): a client's result,
 * the log entry a Sigstore bundle claims, and cosign's legacy trust files.
 */
import { type InteropStack, type ToolResult, TOOL_TIMEOUT_MS } from '@sigbox/testkit';
import { expect } from 'vitest';

/** A test makes a few client calls, each killed after TOOL_TIMEOUT_MS. */
export const CLIENT_STEP_TIMEOUT_MS = 5 * TOOL_TIMEOUT_MS;
/** How much of the request log a failure shows. */
const LOG_TAIL_CHARS = 4000;

/** For a suite's afterAll: stops the stack, which must exit 0 (a clean SIGTERM shutdown). */
export async function closeStack(stack: InteropStack | undefined): Promise<void> {
  const code = await stack?.close();
  expect(code).toBe(0);
}

/**
 * The client succeeded, or the failure shows its stderr, the box's latest requests and `context` (another
 * server's log, say). Returns its stdout.
 */
export function expectSuccess(result: ToolResult, stack: InteropStack, context = ''): string {
  expect(result, `${result.stderr}\n--- sigbox requests:\n${stack.requestLog(LOG_TAIL_CHARS)}${context}`).toMatchObject({ code: 0 });
  return result.stdout;
}

/** The client refused with exit status `code` and said `message` on stderr. */
export function expectRefused(result: ToolResult, message: string, code = 1): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toContain(message);
}

/** A bundle's transparency-log entry (protobuf-specs TransparencyLogEntry in proto3 JSON), as far as the suites read it. */
export interface TlogEntryJson {
  logIndex?: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  canonicalizedBody: string;
}

/**
 * The bundle's one entry: of `kind` 0.0.1, under the box's log ID (from its trusted root unless given), with the
 * body the box stores at that index.
 */
export async function expectLogged(stack: InteropStack, entries: readonly TlogEntryJson[], kind: string, logKeyId = stack.trustedRoot.tlogs[0]?.logId.keyId): Promise<void> {
  const [entry, ...more] = entries;
  expect(more).toEqual([]);
  expect(entry?.kindVersion).toEqual({ kind, version: '0.0.1' });
  expect(entry?.logId.keyId).toBe(logKeyId);
  // proto3 JSON leaves out zero values: the log's first entry has no `logIndex` field.
  expect(await stack.loggedBody(entry?.logIndex ?? '0')).toBe(entry?.canonicalizedBody);
}

/** What a bundle carries besides its entries, as far as the v2 checks read it. */
export interface VerificationMaterialJson {
  tlogEntries: TlogEntryJson[];
  timestampVerificationData?: { rfc3161Timestamps?: unknown[] };
}

/** The trusted root's Rekor v2 log's ID: the one Ed25519 (PKIX_ED25519) tlog. */
export function v2LogKeyId(stack: InteropStack): string {
  const v2 = stack.trustedRoot.tlogs.filter((t) => t.publicKey.keyDetails === 'PKIX_ED25519');
  expect(v2).toHaveLength(1);
  return (v2[0] as { logId: { keyId: string } }).logId.keyId;
}

/**
 * The bundle's one entry: a hashedrekord 0.0.2 entry of the Rekor v2 log (Go and Python clients log a DSSE
 * envelope as a hashedrekord over its PAE), under the trusted v2 log ID, with the body the v2 log's tiles hold; and
 * one RFC 3161 timestamp beside it, the time a v2 entry does not carry.
 */
export async function expectLoggedV2(stack: InteropStack, material: VerificationMaterialJson, kind = 'hashedrekord'): Promise<TlogEntryJson> {
  const [entry, ...more] = material.tlogEntries;
  expect(more).toEqual([]);
  expect(entry?.kindVersion).toEqual({ kind, version: '0.0.2' });
  expect(entry?.logId.keyId).toBe(v2LogKeyId(stack));
  expect(await stack.loggedV2Body(entry?.logIndex ?? '0')).toBe(entry?.canonicalizedBody);
  expect(material.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
  return entry as TlogEntryJson;
}

/** cosign v2's legacy path: per-key files instead of TUF (with SIGSTORE_* set, cosign skips TUF). */
export function cosignLegacyEnv(stack: InteropStack): Record<string, string> {
  return {
    SIGSTORE_ROOT_FILE: stack.trustFile('fulcio_v1.crt.pem'),
    SIGSTORE_REKOR_PUBLIC_KEY: stack.trustFile('rekor.pub'),
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: stack.trustFile('ctfe.pub'),
  };
}
