import fs from 'node:fs';
import path from 'node:path';

/**
 * The shared test-vector folder (`SIGBOX_VECTORS`, resolved in vitest.config.ts), or `undefined` when it is
 * absent. Under CI=true an absent folder is a failure, not a skip: CI must never pass by testing nothing.
 */
export function vectorsDir(subpath = ''): string | undefined {
  const base = process.env.SIGBOX_VECTORS ?? path.resolve('../shared/vectors');
  const dir = path.join(base, subpath);
  if (fs.existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`test vectors missing at ${dir} (CI=true: vectors are required)`);
  console.warn(`skipping: test vectors not found at ${dir} (set SIGBOX_VECTORS)`);
  return undefined;
}

/** Reads every `*.json` file below `dir`, recursively, as `[relativePath, parsed]` pairs in a stable order. */
export function readJsonTree<T = unknown>(dir: string): Array<[string, T]> {
  const out: Array<[string, T]> = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push([path.relative(dir, full), JSON.parse(fs.readFileSync(full, 'utf8')) as T]);
    }
  };
  walk(dir);
  return out;
}

/**
 * Whether an external tool a test needs is on PATH. Without it the test skips and says why; under CI=true
 * the tool is required and its absence fails the run.
 */
export function toolAvailable(command: string, why: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter);
  const found = dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (found) return true;
  if (process.env.CI === 'true') throw new Error(`${command} is required under CI=true (${why})`);
  console.warn(`skipping: ${command} not found on PATH (${why})`);
  return false;
}
