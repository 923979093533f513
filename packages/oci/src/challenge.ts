/** One `WWW-Authenticate` challenge (RFC 7235 §4.1): its scheme and auth-params, names lower-cased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

// RFC 7235 §2.1: auth-param = token BWS "=" BWS ( token / quoted-string ).
const PARAM = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z/:-]+))\s*(?:,|$)/y;

/**
 * Parses `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"` (the
 * distribution token authentication spec, docs/spec/auth/token.md) or `Basic realm="…"`. Only the first challenge
 * of the header is read: registries send one. Undefined when the header is not a challenge.
 */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)(?:\s+|$)/.exec(header);
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  PARAM.lastIndex = match[0].length;
  for (let m = PARAM.exec(header); m !== null; m = PARAM.exec(header)) {
    params[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string);
    if (PARAM.lastIndex >= header.length) break;
  }
  return { scheme: (match[1] as string).toLowerCase(), params };
}
