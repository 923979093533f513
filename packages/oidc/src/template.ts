/**
 * A small, safe interpreter for the Go `text/template` subset used by Fulcio's CI-provider templates
 * (config/identity/config.yaml), executed with `Option("missingkey=error")` over a `map[string]string`
 * (fulcio pkg/identity/ciprovider/principal.go `applyTemplateOrReplace`).
 *
 * Supported: literal text; `{{ expr }}`; `{{ if expr }}…{{ else }}…{{ end }}`; `{{-`/`-}}` trimming; operands
 * `.`, `.name`, "string", `raw`, true/false, `( … )`; functions `eq`, `ne`, `not`, `index`. Anything else is a
 * parse error at config load time, so a template Fulcio would run but this subset cannot is refused up front.
 * No HTML escaping (text/template; sigstore/fulcio#2023).
 */

type Value = string | boolean | Readonly<Record<string, string>>;
type Expr =
  | { kind: 'dot' }
  | { kind: 'field'; name: string }
  | { kind: 'literal'; value: string | boolean }
  | { kind: 'call'; fn: string; args: Expr[] };
type Node = { kind: 'text'; text: string } | { kind: 'print'; expr: Expr } | { kind: 'if'; cond: Expr; then: Node[]; else: Node[] };

export class TemplateError extends Error {}

export interface CompiledTemplate {
  execute(data: Readonly<Record<string, string>>): string;
}

const FUNCTIONS = new Set(['eq', 'ne', 'not', 'index']);
const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\()|(\))|(\.[A-Za-z_][A-Za-z0-9_]*)|(\.)|([A-Za-z_][A-Za-z0-9_]*))/y;

/** Parses once (at config load); `execute` never throws on syntax, only on missing keys and type errors. */
export function compileTemplate(source: string): CompiledTemplate {
  const nodes = parseNodes(splitActions(source));
  return { execute: (data) => run(nodes, data) };
}

type Piece = { text: string } | { action: string };

function splitActions(source: string): Piece[] {
  const pieces: Piece[] = [];
  let rest = source;
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('unclosed action');
    let text = rest.slice(0, open);
    let action = rest.slice(open + 2, close);
    if (/^-\s/.test(action)) { text = text.trimEnd(); action = action.slice(1); }
    rest = rest.slice(close + 2);
    if (/\s-$/.test(action)) { action = action.slice(0, -1); rest = rest.trimStart(); }
    pieces.push({ text }, { action: action.trim() });
  }
  pieces.push({ text: rest });
  return pieces.filter((p) => !('text' in p) || p.text !== '');
}

function parseNodes(pieces: Piece[]): Node[] {
  let i = 0;
  const block = (inIf: boolean): { nodes: Node[]; end: 'else' | 'end' | 'eof' } => {
    const nodes: Node[] = [];
    while (i < pieces.length) {
      const piece = pieces[i++]!;
      if ('text' in piece) { nodes.push({ kind: 'text', text: piece.text }); continue; }
      const words = piece.action.split(/\s+/);
      if (words[0] === 'end' || words[0] === 'else') {
        if (!inIf || words.length > 1) throw new TemplateError(`unexpected {{${piece.action}}}`);
        return { nodes, end: words[0] };
      }
      if (words[0] === 'if') {
        const cond = parseExpr(piece.action.slice(2));
        const then = block(true);
        const otherwise = then.end === 'else' ? block(true) : { nodes: [], end: then.end };
        if (otherwise.end !== 'end') throw new TemplateError('missing {{end}}');
        nodes.push({ kind: 'if', cond, then: then.nodes, else: otherwise.nodes });
        continue;
      }
      nodes.push({ kind: 'print', expr: parseExpr(piece.action) });
    }
    if (inIf) throw new TemplateError('missing {{end}}');
    return { nodes, end: 'eof' };
  };
  return block(false).nodes;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(source);
    if (!match) throw new TemplateError(`unsupported template syntax: ${source.slice(TOKEN.lastIndex).trim()}`);
    tokens.push(match.slice(1).find((g) => g !== undefined)!);
  }
  return tokens;
}

function parseExpr(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const operand = (): Expr => {
    const token = tokens[pos++];
    if (token === undefined || token === ')') throw new TemplateError('missing operand');
    if (token === '(') {
      const inner = command(() => tokens[pos] === ')');
      if (tokens[pos++] !== ')') throw new TemplateError('unclosed parenthesis');
      return inner;
    }
    if (token === '.') return { kind: 'dot' };
    if (token.startsWith('.')) return { kind: 'field', name: token.slice(1) };
    if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
    if (token.startsWith('`')) return { kind: 'literal', value: token.slice(1, -1) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    throw new TemplateError(`function "${token}" not supported here`);
  };
  const command = (atEnd: () => boolean): Expr => {
    const head = tokens[pos];
    if (head !== undefined && FUNCTIONS.has(head)) {
      pos++;
      const args: Expr[] = [];
      while (pos < tokens.length && !atEnd()) args.push(operand());
      return { kind: 'call', fn: head, args };
    }
    const single = operand();
    if (pos < tokens.length && !atEnd()) throw new TemplateError(`unsupported template syntax: ${source.trim()}`);
    return single;
  };
  if (tokens.length === 0) throw new TemplateError('missing value for command');
  const expr = command(() => false);
  if (pos !== tokens.length) throw new TemplateError(`unexpected "${tokens[pos]}"`);
  return expr;
}

function run(nodes: readonly Node[], data: Readonly<Record<string, string>>): string {
  return nodes.map((node) => {
    if (node.kind === 'text') return node.text;
    if (node.kind === 'print') return show(evaluate(node.expr, data));
    return run(truthy(evaluate(node.cond, data)) ? node.then : node.else, data);
  }).join('');
}

function evaluate(expr: Expr, data: Readonly<Record<string, string>>): Value {
  switch (expr.kind) {
    case 'dot': return data;
    case 'literal': return expr.value;
    case 'field': {
      // missingkey=error: a missing map key fails execution (text/template exec.go evalField).
      if (!Object.hasOwn(data, expr.name)) throw new TemplateError(`map has no entry for key "${expr.name}"`);
      return data[expr.name]!;
    }
    case 'call': return call(expr.fn, expr.args.map((arg) => evaluate(arg, data)));
  }
}

function call(fn: string, args: Value[]): Value {
  const [a, b] = args;
  if (fn === 'not') { if (args.length !== 1) throw new TemplateError('wrong number of args for not'); return !truthy(a!); }
  if (args.length < 2) throw new TemplateError(`wrong number of args for ${fn}`);
  if (fn === 'index') {
    // `index` yields the zero value for a missing map key: missingkey does not apply (text/template funcs.go).
    if (typeof a !== 'object' || typeof b !== 'string' || args.length !== 2) throw new TemplateError('index of untyped value');
    return Object.hasOwn(a, b) ? a[b]! : '';
  }
  if (typeof a === 'object' || args.slice(1).some((arg) => typeof arg !== typeof a)) {
    throw new TemplateError(`incompatible types for comparison`);
  }
  if (fn === 'ne') {
    if (args.length !== 2) throw new TemplateError('wrong number of args for ne');
    return a !== b;
  }
  return args.slice(1).some((arg) => arg === a); // eq a b c… is a == b || a == c …
}

function truthy(value: Value): boolean {
  return typeof value === 'object' ? Object.keys(value).length > 0 : value !== '' && value !== false;
}

// fmt %v of a map[string]string: keys sorted, `map[k:v k2:v2]`.
function show(value: Value): string {
  if (typeof value !== 'object') return String(value);
  return `map[${Object.keys(value).sort().map((k) => `${k}:${value[k]}`).join(' ')}]`;
}
