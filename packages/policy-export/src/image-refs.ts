import type { Matcher, MatchList } from '@sigbox/policy';
import { literalPrefix } from './scope.js';

/**
 * A scope's images (repositories without tag or digest, policy glob semantics) as the patterns a target matches
 * against a full reference WITH its tag or digest. Every translation matches a superset of the scope: a wider
 * pattern only makes the target check more images against the rule (stricter); a narrower one would let images of
 * the scope through unchecked, which is never done. Approximations are reported.
 */

/**
 * Kyverno `imageReferences` (v1.19.1 pkg/utils/wildcard: `*` any run including `/`, `?` one character), matched
 * against the normalized reference (`registry/repo:tag` or `@digest`).
 */
export function kyvernoImageReferences(images: MatchList | undefined, approximate: (m: Matcher) => void): string[] {
  if (images === undefined) return ['*'];
  return unique(
    images.flatMap((m) => {
      if (m.kind === 'pattern') {
        approximate(m);
        return [`${literalPrefix(m)}*`];
      }
      // Kyverno's `*` also crosses `/`: `a/*` covers `a/b/c`, wider than the policy's glob (reported by the caller
      // only when it matters, i.e. never for acceptance).
      const base = m.kind === 'glob' ? m.source.replace(/\*\*/gu, '*') : m.source;
      return [`${base}:*`, `${base}@*`];
    }),
  );
}

// policy-controller v0.14.0 pkg/apis/glob/glob.go: validGlob = ^[a-zA-Z0-9-_:\/\*\.@]+$; `*` = [^/]*, `**` = .*,
// matched against ref.Name() (name.ParseReference, WeakValidation: `index.docker.io/library/busybox:latest`).
const PC_VALID = /^[a-zA-Z0-9\-_:/*.@]+$/u;

/** policy-controller `images[].glob`; `?` (not supported there) becomes `*`, a pattern its literal prefix + `**`. */
export function policyControllerGlobs(images: MatchList | undefined, approximate: (m: Matcher) => void): string[] {
  if (images === undefined) return ['**'];
  return unique(
    images.flatMap((m) => {
      if (m.kind === 'pattern') {
        approximate(m);
        return [`${literalPrefix(m)}**`].filter((g) => PC_VALID.test(g));
      }
      let base = m.source;
      if (m.kind === 'glob' && base.includes('?')) {
        approximate(m);
        base = base.replace(/\?/gu, '*');
      }
      if (!PC_VALID.test(base)) {
        approximate(m);
        return ['**'];
      }
      return [`${base}:*`, `${base}@*`];
    }),
  );
}

function unique(list: string[]): string[] {
  return [...new Set(list)].sort();
}
