import { PolicyError, parsePolicy } from '@sigbox/policy';

/**
 * The lint verdict of one policy file's text: `FILE:line:col: CODE message` for the problem parsePolicy found (it
 * stops at the first: a file with a syntax error has no tree to check further), or `ok: N rules`.
 */
export function lintPolicy(file: string, text: string): { ok: boolean; output: string } {
  try {
    const policy = parsePolicy(text);
    return { ok: true, output: `ok: ${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'}\n` };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return { ok: false, output: `${formatPolicyError(file, err)}\n` };
  }
}

/** `FILE:line:col: CODE message`: PolicyError's message starts with "line:column: ", the compiler-style line puts the file in front. */
export function formatPolicyError(file: string, err: PolicyError): string {
  return `${file}:${err.line}:${err.column}: ${err.code} ${err.message.replace(/^\d+:\d+: /, '')}`;
}
