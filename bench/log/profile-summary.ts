/**
 * Where the time goes in a V8 `.cpuprofile` (from `main.ts --profile DIR`, which starts sigbox with
 * `node --cpu-prof`): the top functions by self time and by inclusive time, as shares of all samples.
 * Run: `node --import tsx bench/log/profile-summary.ts FILE.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const DEFAULT_TOP = 30;

function label(node: ProfileNode): string {
  const file = node.callFrame.url.split('/').slice(-2).join('/');
  return `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
}

/** Self and inclusive microseconds per function label (recursion counted once per sample). */
export function summarise(profile: Profile): { totalUs: number; self: Map<string, number>; inclusive: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of perNode) {
    totalUs += us;
    const leaf = label(byId.get(id) as ProfileNode);
    self.set(leaf, (self.get(leaf) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = label(byId.get(cur) as ProfileNode);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      seen.add(name);
    }
  }
  return { totalUs, self, inclusive };
}

function table(times: Map<string, number>, totalUs: number, top: number): string {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
  const top = Number(process.argv[3] ?? DEFAULT_TOP);
  const { totalUs, self, inclusive } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  console.log(`${(totalUs / 1000).toFixed(0)} ms sampled\n-- self --\n${table(self, totalUs, top)}\n-- inclusive --\n${table(inclusive, totalUs, top * 2)}`);
}
