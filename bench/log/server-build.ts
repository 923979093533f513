/**
 * Which `sigbox` the benchmarks run: the build, as `npm start` and the container run it (the default), or with
 * `--from-sources` the TypeScript sources through tsx, to compare with a commit from before the build was what ran.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds (incrementally) unless the bench runs the sources; returns the option for testkit's startSigbox. */
export function sigboxBuild(fromSources: boolean): { fromBuild: boolean } {
  if (!fromSources) execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, stdio: 'inherit' });
  console.log(fromSources ? 'sigbox from the TypeScript sources (tsx)' : 'sigbox from the build (npm run build), as npm start runs it');
  return { fromBuild: !fromSources };
}
