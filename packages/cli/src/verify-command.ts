import { type BoxVerification, VerifyError, verifyBox } from '@sigbox/server';
import type { CliIo } from './io.js';
import type { VerifyCommand } from './verify-config.js';
import { createProgressView } from './verify-progress.js';

/** Exit codes of `sigbox verify`: 0 all proven, 1 a problem found or nothing could be checked (2: the command line). */
export const EXIT_VERIFIED = 0;
export const EXIT_VERIFY_FAILED = 1;

const count = (n: bigint | number) => n.toLocaleString('en-US');

/** The summary: one block per tree, then the totals and the verdict. */
export function formatVerification(result: BoxVerification, seconds: number): string {
  const out: string[] = [];
  let entries = 0n;
  let tiles = 0;
  let checkpoints = 0;
  let signatures = 0;
  for (const t of result.trees) {
    entries += t.entries;
    tiles += t.tiles;
    checkpoints += t.checkpoints;
    signatures += t.signatures;
    const keys = t.keys.map((k) => `${k.kind} ${k.baseUrl} (log ID ${k.logId})`).join(', ') || 'none';
    out.push(
      `tree ${t.tree.name} (ID ${t.tree.treeId}, origin ${t.tree.origin}): ${count(t.entries)} entries (integrated ${count(t.integratedSize)}), ` +
        `${count(t.tiles)} tiles, ${count(t.checkpoints)} checkpoints, ${count(t.signatures)} signatures verified, ${count(t.problemCount)} problems`,
      `  key: ${keys}`,
      ...t.notes.map((n) => `  ${n}`),
      ...t.problems.map((p) => `  PROBLEM ${p.code}: ${p.message}`),
      ...(t.problemCount > t.problems.length ? [`  … and ${count(t.problemCount - t.problems.length)} more problems`] : []),
    );
  }
  out.push(
    `verified ${result.trees.length} trees: ${count(entries)} entries, ${count(tiles)} tiles, ${count(checkpoints)} checkpoints, ` +
      `${count(signatures)} signatures in ${seconds.toFixed(1)} s: ${result.problemCount === 0 ? 'OK' : `${count(result.problemCount)} PROBLEMS`}`,
  );
  return `${out.join('\n')}\n`;
}

/** Runs `sigbox verify`: progress on stderr, the summary on stdout; resolves with the exit code. */
export async function runVerifyCommand(command: VerifyCommand, io: CliIo): Promise<number> {
  const progress = createProgressView(io.stderr, io.stderrIsTty ?? false);
  const started = performance.now();
  let result: BoxVerification;
  try {
    result = await verifyBox({
      dataDir: command.dataDir,
      ...(command.databaseUrl === undefined ? {} : { databaseUrl: command.databaseUrl }),
      ...(command.trustedRootFile === undefined ? {} : { trustedRootFile: command.trustedRootFile }),
      onProgress: (p) => progress.update(p),
    });
  } catch (err) {
    progress.finish();
    if (!(err instanceof VerifyError)) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_VERIFY_FAILED;
  }
  progress.finish();
  io.stdout(formatVerification(result, (performance.now() - started) / 1000));
  return result.problemCount === 0 ? EXIT_VERIFIED : EXIT_VERIFY_FAILED;
}
