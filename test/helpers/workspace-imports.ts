// What the architecture test reads: every workspace package's manifest and the imports of each of its source
// files, parsed with TypeScript's own parser (an import in a comment or a string is not an import).
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A source file's import of one module specifier. */
export interface ImportRef {
  specifier: string;
  /** `import type …` / `export type … from`: erased at run time, but still a dependency of the source. */
  typeOnly: boolean;
  /** For a relative specifier: the repository-relative file it names (`.js` → `.ts`), if that file exists. */
  resolved: string | undefined;
}

export interface SourceFile {
  /** Repository-relative, with `/` separators: `packages/core/src/index.ts`. */
  path: string;
  /** A test file (`*.test.ts`) or test support under `__fixtures__/`: may use devDependencies. */
  test: boolean;
  imports: ImportRef[];
}

export interface WorkspacePackage {
  /** `@sigbox/core` */
  name: string;
  /** `packages/core` */
  dir: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** The folders its tsconfig.json references (`tsc -b` builds those first): `../core`. */
  tsconfigReferences: string[];
  files: SourceFile[];
}

const SOURCE = /\.(m|c)?(t|j)s$/;
/** Where a package's own code lives: its sources and its launchers (`packages/cli/bin/sigbox.mjs`). */
const CODE_DIRS = ['src', 'bin'];

/** Files below `dir` (repository-relative) whose name ends like source, sorted. */
export function sourceFiles(dir: string): string[] {
  const absolute = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(absolute)) return [];
  return fs
    .readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((name) => SOURCE.test(name) && !name.split(path.sep).includes('node_modules'))
    .map((name) => path.posix.join(dir, name.split(path.sep).join('/')))
    .sort();
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
}

export function readWorkspace(): WorkspacePackage[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, 'packages'))
    .filter((name) => fs.existsSync(path.join(REPO_ROOT, 'packages', name, 'package.json')))
    .sort()
    .map((name) => {
      const dir = `packages/${name}`;
      const manifest = readJson<{ name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(`${dir}/package.json`);
      return {
        name: manifest.name,
        dir,
        dependencies: manifest.dependencies ?? {},
        devDependencies: manifest.devDependencies ?? {},
        tsconfigReferences: tsconfigReferences(`${dir}/tsconfig.json`),
        files: CODE_DIRS.flatMap((d) => sourceFiles(`${dir}/${d}`)).map(readSourceFile),
      };
    });
}

function tsconfigReferences(file: string): string[] {
  const { config, error } = ts.readConfigFile(path.join(REPO_ROOT, file), ts.sys.readFile);
  if (error !== undefined) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  return ((config as { references?: Array<{ path: string }> }).references ?? []).map((r) => r.path);
}

export function readSourceFile(file: string): SourceFile {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const test = /\.test\.[mc]?[tj]s$/.test(file) || file.split('/').includes('__fixtures__');
  return { path: file, test, imports: importsOf(file, text) };
}

/** The module specifiers `text` imports, re-exports, `import()`s or names in an `import('…')` type. */
export function importsOf(file: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: ImportRef[] = [];
  const add = (literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (literal !== undefined && ts.isStringLiteralLike(literal)) found.push({ specifier: literal.text, typeOnly, resolved: resolveRelative(file, literal.text) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `./x.js` from `packages/a/src/b.ts` → `packages/a/src/x.ts`, as nodenext resolves it; undefined if bare or missing. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target.replace(/\.cjs$/, '.cts')];
  return candidates.find((c) => fs.existsSync(path.join(REPO_ROOT, c)) && fs.statSync(path.join(REPO_ROOT, c)).isFile());
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; undefined for relative paths and Node's built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every elementary cycle of `graph` that a depth-first search meets, each once, written from its smallest node:
 * `a → b → c → a`.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.add(canonicalCycle(stack.slice(stack.indexOf(next))));
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return [...cycles].sort();
}

function canonicalCycle(nodes: string[]): string {
  const start = nodes.indexOf([...nodes].sort()[0] as string);
  const rotated = [...nodes.slice(start), ...nodes.slice(0, start)];
  return [...rotated, rotated[0]].join(' → ');
}
