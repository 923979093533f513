import fs from 'node:fs';
import path from 'node:path';
import { unavailable } from './prerequisites.js';

/**
 * The shared test-vector folder (`SIGBOX_VECTORS`, resolved in vitest.config.ts), or `undefined` when it is
 * absent (a skip; under CI=true a failure).
 */
export function vectorsDir(subpath = ''): string | undefined {
  const base = process.env.SIGBOX_VECTORS ?? path.resolve('../shared/vectors');
  const dir = path.join(base, subpath);
  if (fs.existsSync(dir)) return dir;
  return unavailable(`test vectors not found at ${dir}`, 'upstream test vectors; set SIGBOX_VECTORS');
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
