/**
 * The documents under test, made by `@sigbox/policy-export` from the accepted-identities policy and the box's trust
 * material, as `sigbox export <target>` writes them: each file of each export into `dir/<target>[-<variant>]/`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Policy } from '@sigbox/policy';
import { type ExportInput, type ExportResult, type ExportTarget, exportPolicy } from '@sigbox/policy-export';

export interface ExportSource {
  policy: Policy;
  trustedRoot: unknown;
  rekorUrl: string;
  tuf: { mirror: string; root: string };
}

/** The exports the suite runs, by the folder they are written to. */
export const EXPORTS = {
  'kyverno-legacy': { target: 'kyverno', options: { signatureFormat: 'legacy' } },
  'kyverno-bundle': { target: 'kyverno', options: { signatureFormat: 'bundle' } },
  'kyverno-ivp': { target: 'kyverno-ivp', options: {} },
  'policy-controller': { target: 'policy-controller', options: {} },
  'policy-controller-legacy': { target: 'policy-controller', options: { signatureFormat: 'legacy' } },
  'policy-controller-remote': { target: 'policy-controller', options: { signatureFormat: 'legacy', trustRoot: 'remote' } },
  flux: { target: 'flux', options: {} },
  cosign: { target: 'cosign', options: {} },
} as const satisfies Record<string, { target: ExportTarget; options: Partial<ExportInput> }>;
export type ExportName = keyof typeof EXPORTS;

export interface WrittenExport {
  readonly result: ExportResult;
  readonly dir: string;
  /** The path of the export's file `name`. */
  file(name: string): string;
}

/**
 * Runs every export (allowDropped: the suite's policy has expectations some targets cannot express; `dropped`
 * says which, and the suite asserts it) and writes its files; the script executable.
 */
export async function writeExports(source: ExportSource, dir: string): Promise<Record<ExportName, WrittenExport>> {
  const written = {} as Record<ExportName, WrittenExport>;
  for (const [name, { target, options }] of Object.entries(EXPORTS) as Array<[ExportName, (typeof EXPORTS)[ExportName]]>) {
    const result = exportPolicy(target, { ...source, ...options, allowDropped: true });
    const out = path.join(dir, name);
    await mkdir(out, { recursive: true });
    for (const f of result.files) await writeFile(path.join(out, f.path), f.content, { mode: f.kind === 'script' ? 0o755 : 0o644 });
    written[name] = { result, dir: out, file: (file) => path.join(out, file) };
  }
  return written;
}
