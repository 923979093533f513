import { spawnSync } from 'node:child_process';
import { unavailable } from './prerequisites.js';

/** Whether `python3` can import `module` (see `unavailable` for what its absence does). */
export function pythonModuleAvailable(module: string, why: string): boolean {
  const probe = spawnSync('python3', ['-c', `import ${module}`], { encoding: 'utf8' });
  return probe.status === 0 || (unavailable(`python3 with the \`${module}\` package`, why) ?? false);
}

/** Runs `python3 -c script` with `input` as JSON on stdin; returns its stdout parsed as JSON, throws with stderr. */
export function runPython<T>(script: string, input: unknown): T {
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
