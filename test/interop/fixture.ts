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

/** cosign v2's legacy path: per-key files instead of TUF (with SIGSTORE_* set, cosign skips TUF). */
export function cosignLegacyEnv(stack: InteropStack): Record<string, string> {
  return {
    SIGSTORE_ROOT_FILE: stack.trustFile('fulcio_v1.crt.pem'),
    SIGSTORE_REKOR_PUBLIC_KEY: stack.trustFile('rekor.pub'),
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: stack.trustFile('ctfe.pub'),
  };
}
