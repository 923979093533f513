import { matchesAny, type Matcher, type MatchList } from '@sigbox/policy';
import { ruleLabel, type RuleIdentity } from './rule-identity.js';

/**
 * Rules that apply to the same images. Admission controllers AND every policy (Kyverno verifyImages entry,
 * policy-controller ClusterImagePolicy) whose image pattern matches, while a Sigbox policy accepts when ANY rule in
 * scope accepts. So rules are grouped by identical image scope and each group becomes one object whose authorities
 * are OR-ed; groups whose scopes may overlap are then AND-ed by the target: narrower than the policy, never wider,
 * and reported in `warnings`.
 */
export interface ScopeGroup {
  /** The first member's rule name: unique, stable, a valid Kubernetes name part. */
  readonly key: string;
  /** undefined = every image. */
  readonly images: MatchList | undefined;
  readonly members: readonly RuleIdentity[];
  /** For the unscoped group when others absorbed its rules: their scopes, which this group's object must skip. */
  readonly except: readonly ScopeGroup[];
}

export interface GroupOptions {
  /** Rules that must stay alone in their group (Kyverno: a rule with an attestation, since attestations AND). */
  readonly separate: (r: RuleIdentity) => boolean;
  /**
   * Targets that can exclude images from the unscoped object (Kyverno skipImageReferences) let a scoped group take
   * the unscoped rules as further alternatives when its target patterns match exactly its scope (no gap where an
   * unscoped rule would be wrongly skipped or a scoped rule wrongly applied): the policy's OR, exactly.
   */
  readonly absorbUnscoped?: (g: ScopeGroup) => boolean;
  /** False for targets whose objects do not AND (Flux: one object per repository): no overlap warnings. */
  readonly overlapsAnd?: boolean;
}

export function groupByScope(rules: readonly RuleIdentity[], options: GroupOptions, warnings: string[]): ScopeGroup[] {
  const groups = new Map<string, { images: MatchList | undefined; members: RuleIdentity[]; key: string; except: ScopeGroup[] }>();
  for (const r of rules) {
    const scope = r.rule.scope;
    if (scope !== undefined && scope.images === undefined) {
      warnings.push(`${ruleLabel(r.rule)}: scoped to artifacts only, so no image admission object is exported for it`);
      continue;
    }
    if (r.acceptsNothing) {
      warnings.push(`${ruleLabel(r.rule)}: its selector and expectations exclude each other, it accepts nothing and is left out`);
      continue;
    }
    const images = scope?.images;
    const id = images === undefined ? '*' : JSON.stringify(images.map((m) => [m.kind, m.source]));
    const mapKey = options.separate(r) ? `${id}\u0000${r.rule.name}` : id;
    const existing = groups.get(mapKey);
    if (existing !== undefined) existing.members.push(r);
    else groups.set(mapKey, { images, members: [r], key: r.rule.name, except: [] });
  }
  const list = [...groups.values()];
  const unscoped = groups.get('*');
  const absorbed = new Set<unknown>();
  if (unscoped !== undefined && options.absorbUnscoped !== undefined) {
    for (const g of list) {
      if (g === unscoped || g.images === undefined || !options.absorbUnscoped(g)) continue;
      g.members.push(...unscoped.members);
      unscoped.except.push(g);
      absorbed.add(g);
    }
  }
  for (let i = 0; i < (options.overlapsAnd === false ? 0 : list.length); i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, b] = [list[i]!, list[j]!];
      if ((a === unscoped && absorbed.has(b)) || (b === unscoped && absorbed.has(a))) continue;
      if (mayOverlap(a.images, b.images)) {
        const names = (g: (typeof list)[number]) => g.members.map((m) => m.rule.name).join(', ');
        warnings.push(`rules [${names(a)}] and [${names(b)}] may cover the same images; the target requires both to pass there (narrower than the policy, which needs one)`);
      }
    }
  }
  return list;
}

/** Conservative: false only when the scopes certainly share no image. */
function mayOverlap(a: MatchList | undefined, b: MatchList | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((x) => b.some((y) => pairMayOverlap(x, y)));
}

function pairMayOverlap(x: Matcher, y: Matcher): boolean {
  if (x.kind === 'exact') return matchesAny([y], x.source);
  if (y.kind === 'exact') return matchesAny([x], y.source);
  const px = literalPrefix(x);
  const py = literalPrefix(y);
  return px.startsWith(py) || py.startsWith(px);
}

/** The characters every match starts with: up to the first wildcard of a glob; nothing is assumed of a pattern. */
export function literalPrefix(m: Matcher): string {
  if (m.kind === 'exact') return m.source;
  if (m.kind === 'glob') return m.source.split(/[*?]/u)[0]!;
  if (m.source.includes('|')) return ''; // an alternation may start anywhere
  const found = /^\^?((?:[A-Za-z0-9_/:@-]|\\[./])*)/u.exec(m.source)!;
  let plain = found[1]!;
  // A quantifier after the run may repeat or drop its last character: `abc?` starts with `ab` only.
  if (/^[?*{]/u.test(m.source.slice(found[0].length))) plain = plain.endsWith('.') && plain.at(-2) === '\\' ? plain.slice(0, -2) : plain.slice(0, -1);
  return plain.replace(/\\(.)/gu, '$1');
}

