/**
 * Policy patterns are ECMAScript (flag `u`) and whole-value; every export target runs Go's RE2 (`regexp` package:
 * Kyverno, policy-controller, cosign, Flux), which does not anchor and differs in a few places. This translates one
 * pattern into an RE2 body with the same meaning, or says why it cannot (the caller wraps it in `^(?:…)$`).
 *
 * Differences handled (ECMA-262 §22.2 vs https://github.com/google/re2/wiki/Syntax, Go regexp/syntax doc):
 * - `.` excludes \n, \r, U+2028 and U+2029 in ECMAScript but only \n in RE2: written as that explicit class.
 * - `\s` is Unicode White_Space plus line terminators in ECMAScript, `[\t\n\f\r ]` in RE2: written out.
 * - `\uXXXX`, `\u{…}` (and surrogate pairs) become `\x{…}`; `\cX` and `\0` become `\x{…}` too.
 * - `(?<name>` becomes `(?P<name>`; in a class `\b` is a backspace; `[^]` is any character.
 * Refused: lookaround, backreferences (`\1`, `\k<n>`), `\p{…}` beyond a general category, modifier groups,
 * counted repetition above RE2's limit of 1000, `\S` inside a class, lone surrogates.
 */
export class Re2TranslationError extends Error {}

const RE2_MAX_REPEAT = 1000; // go regexp/syntax: maxRepeat
const LINE_TERMINATORS = '\\n\\r\\x{2028}\\x{2029}';
/** ECMA-262 WhiteSpace + LineTerminator, which `\s` matches (with the `u` flag: Unicode Zs). */
const WHITE_SPACE = '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
const SYNTAX = new Set('^$\\.*+?()[]{}|/-');

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;

export function ecmaToRe2(source: string): string {
  let out = '';
  let i = 0;
  const fail = (why: string): never => {
    throw new Re2TranslationError(`${why} (at offset ${i})`);
  };

  /** One escape starting at source[i] === '\\'; returns the RE2 text and advances i. */
  const escape = (inClass: boolean): string => {
    const c = source[i + 1];
    if (c === undefined) return fail('a trailing backslash');
    i += 2;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W': return `\\${c}`;
      case 'b': return inClass ? '\\x{8}' : '\\b';
      case 'B': return inClass ? fail('\\B in a class') : '\\B';
      case 's': return inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      case 'S': return inClass ? fail('\\S inside a class') : `[^${WHITE_SPACE}]`;
      case 't': case 'n': case 'r': case 'v': case 'f': return `\\${c}`;
      case '0': return '\\x{0}';
      case 'k': return fail('a named backreference');
      case 'c': {
        const letter = source[i];
        if (letter === undefined || !/[A-Za-z]/u.test(letter)) return fail('a bad \\c escape');
        i++;
        return hex(letter.charCodeAt(0) % 32);
      }
      case 'x': {
        const h = source.slice(i, i + 2);
        if (!/^[0-9A-Fa-f]{2}$/u.test(h)) return fail('a bad \\x escape');
        i += 2;
        return hex(parseInt(h, 16));
      }
      case 'u': return hex(unicodeEscape());
      case 'p': case 'P': {
        const m = /^\{([A-Z][a-z]?)\}/u.exec(source.slice(i));
        if (m === null) return fail('a Unicode property other than a general category (RE2 names differ)');
        i += m[0].length;
        return `\\${c}{${m[1]}}`;
      }
      default:
        if (c >= '1' && c <= '9') return fail('a backreference');
        if (SYNTAX.has(c)) return `\\${c}`;
        return fail(`the escape \\${c}`);
    }
  };

  /** `\uXXXX` (a surrogate pair of two such escapes is one code point with `u`) or `\u{…}`; i is after `\u`. */
  const unicodeEscape = (): number => {
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/u.exec(source.slice(i));
    if (braced !== null) {
      i += braced[0].length;
      return parseInt(braced[1]!, 16);
    }
    const four = /^[0-9A-Fa-f]{4}/u.exec(source.slice(i));
    if (four === null) return fail('a bad \\u escape');
    i += 4;
    const cp = parseInt(four[0], 16);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/u.exec(source.slice(i));
      if (low === null) return fail('a lone surrogate');
      i += 6;
      return 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) return fail('a lone surrogate');
    return cp;
  };

  const charClass = (): string => {
    i++; // [
    let body = '';
    let negated = false;
    if (source[i] === '^') {
      negated = true;
      i++;
    }
    if (source[i] === ']') {
      i++;
      if (negated) return '[\\x{0}-\\x{10ffff}]'; // [^] = any character
      return fail('an empty class, which matches nothing');
    }
    while (source[i] !== ']') {
      const c = source[i];
      if (c === undefined) return fail('an unterminated class');
      if (c === '\\') body += escape(true);
      else if (c === '[') {
        body += '\\[';
        i++;
      } else {
        const cp = source.codePointAt(i)!;
        body += String.fromCodePoint(cp);
        i += cp > 0xffff ? 2 : 1;
      }
    }
    i++; // ]
    return `[${negated ? '^' : ''}${body}]`;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') out += escape(false);
    else if (c === '[') out += charClass();
    else if (c === '.') {
      out += `[^${LINE_TERMINATORS}]`;
      i++;
    } else if (c === '(') {
      const rest = source.slice(i);
      if (/^\(\?(=|!|<=|<!)/u.test(rest)) fail('lookaround');
      const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/u.exec(rest);
      if (named !== null) {
        out += `(?P<${named[1]}>`;
        i += named[0].length;
      } else if (rest.startsWith('(?:')) {
        out += '(?:';
        i += 3;
      } else if (rest.startsWith('(?')) fail('a modifier group');
      else {
        out += '(';
        i++;
      }
    } else if (c === '{') {
      const q = /^\{(\d+)(,(\d*))?\}/u.exec(source.slice(i));
      if (q === null) fail('a lone {');
      const [all, min, , max] = q!;
      if (Number(min) > RE2_MAX_REPEAT || (max !== undefined && max !== '' && Number(max) > RE2_MAX_REPEAT)) {
        fail(`a repetition count above RE2's ${RE2_MAX_REPEAT}`);
      }
      out += all;
      i += all.length;
    } else {
      const cp = source.codePointAt(i)!;
      out += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return out;
}

/** A literal for RE2: go regexp.QuoteMeta's set (`\.+*?()|[]{}^$`). */
export function quoteRe2(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/gu, '\\$&');
}

/**
 * The policy's glob (`*` = any run but `/`, `**` = any run, `?` = one character but `/`; see @sigbox/policy
 * globToRegExp) as an RE2 body. `(?s:.*)` because the policy compiles globs with the `s` flag.
 */
export function globToRe2(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += '(?s:.*)';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += quoteRe2(c);
  }
  return out;
}
