// The workspace's structure as rules that fail: each package's manifest declares exactly what its code imports
// (and its tsconfig.json references exactly its workspace dependencies), packages meet only through each other's
// public face, and neither files nor packages import in a circle. Reads sources with TypeScript's parser; runs no
// tool and starts nothing.
import { describe, expect, it } from 'vitest';
import {
  type SourceFile,
  type WorkspacePackage,
  findCycles,
  packageOf,
  readJson,
  readSourceFile,
  readWorkspace,
  sourceFiles,
} from './helpers/workspace-imports.js';

/**
 * Violations known and owned elsewhere, each written exactly as the test reports it (none today). The test fails on
 * any violation not listed here, and on an entry here that no longer occurs, so the list only ever shrinks.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

const workspace = readWorkspace();
const workspaceNames = new Set(workspace.map((p) => p.name));
/**
 * Test tooling every package's tests share (vitest, fast-check, supertest, the sigstore-js packages …) is declared
 * once, in the root package.json's devDependencies: a test file may import it without its package listing it.
 * What only one package's tests use (x509's @peculiar/x509) belongs in that package's devDependencies.
 */
const rootDevDependencies = new Set(Object.keys(readJson<{ devDependencies?: Record<string, string> }>('package.json').devDependencies ?? {}));
/** Code outside the packages: it too may reach a package only through its public face. */
const outsideFiles = ['test', 'bench', 'scripts'].flatMap(sourceFiles).map(readSourceFile);

function bareImports(file: SourceFile): string[] {
  return [...new Set(file.imports.map((i) => packageOf(i.specifier)).filter((p): p is string => p !== undefined))];
}

/** The rules' findings for one package's manifest: (a) undeclared imports and (b) stale declarations. */
function manifestViolations(pkg: WorkspacePackage): string[] {
  const out: string[] = [];
  const production = new Set(pkg.files.filter((f) => !f.test).flatMap(bareImports));
  const tests = new Set(pkg.files.filter((f) => f.test).flatMap(bareImports));
  for (const file of pkg.files) {
    for (const name of bareImports(file)) {
      if (name === pkg.name) out.push(`${file.path} imports its own package ${name}: use a relative path`);
      else if (!file.test && !(name in pkg.dependencies)) out.push(`${file.path} imports ${name}, not in ${pkg.name}'s dependencies`);
      else if (file.test && !(name in pkg.dependencies) && !(name in pkg.devDependencies) && !rootDevDependencies.has(name)) {
        out.push(`${file.path} imports ${name}, not in ${pkg.name}'s dependencies or devDependencies (nor the root's devDependencies)`);
      }
    }
  }
  for (const name of Object.keys(pkg.dependencies)) {
    if (!production.has(name)) out.push(`${pkg.name} declares dependency ${name}, which no non-test file imports${tests.has(name) ? ' (tests do: a devDependency)' : ''}`);
  }
  for (const name of Object.keys(pkg.devDependencies)) {
    if (name in pkg.dependencies) out.push(`${pkg.name} declares ${name} both as a dependency and a devDependency`);
    else if (!tests.has(name)) out.push(`${pkg.name} declares devDependency ${name}, which no test file imports`);
  }
  return out;
}

/** (e) `tsc -b` builds a package after exactly the workspace packages it depends on. */
function referenceViolations(pkg: WorkspacePackage): string[] {
  const expected = Object.keys(pkg.dependencies).filter((d) => workspaceNames.has(d)).map((d) => `../${d.slice('@sigbox/'.length)}`).sort();
  const actual = [...pkg.tsconfigReferences].sort();
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${pkg.dir}/tsconfig.json references ${actual.join(', ') || 'nothing'}, not its workspace dependencies ${expected.join(', ') || '(none)'}`];
}

/** (c) Another package only through its name: no `@sigbox/x/…` subpath, no relative path out of one's package. */
function internalsViolations(file: SourceFile, ownDir: string | undefined): string[] {
  const out: string[] = [];
  for (const ref of file.imports) {
    const name = packageOf(ref.specifier);
    if (name !== undefined && workspaceNames.has(name) && ref.specifier !== name) out.push(`${file.path} imports ${ref.specifier}: another package's internals`);
    if (!ref.specifier.startsWith('.')) continue;
    if (ref.resolved === undefined) out.push(`${file.path} imports ${ref.specifier}, which names no file`);
    else if (ownDir !== undefined && !ref.resolved.startsWith(`${ownDir}/`)) out.push(`${file.path} imports ${ref.specifier}: outside ${ownDir}`);
    else if (ownDir === undefined && ref.resolved.startsWith('packages/')) out.push(`${file.path} imports ${ref.specifier}: another package's internals`);
  }
  return out;
}

/** (d) Cycles among one package's files (every import, type-only ones too: they still tie the sources together). */
function fileCycles(pkg: WorkspacePackage): string[] {
  const graph = new Map(pkg.files.map((f) => [f.path, f.imports.map((i) => i.resolved).filter((r): r is string => r !== undefined)]));
  return findCycles(graph).map((cycle) => `cycle in ${pkg.name}: ${cycle}`);
}

/** (d) Cycles among packages through production dependencies (a test may use a package that depends on its own). */
function packageCycles(): string[] {
  const graph = new Map(workspace.map((p) => [p.name, Object.keys(p.dependencies).filter((d) => workspaceNames.has(d))]));
  return findCycles(graph).map((cycle) => `package cycle: ${cycle}`);
}

function allViolations(): string[] {
  return [
    ...workspace.flatMap(manifestViolations),
    ...workspace.flatMap(referenceViolations),
    ...workspace.flatMap((p) => p.files.flatMap((f) => internalsViolations(f, p.dir))),
    ...outsideFiles.flatMap((f) => internalsViolations(f, undefined)),
    ...workspace.flatMap(fileCycles),
    ...packageCycles(),
  ];
}

describe('workspace architecture', () => {
  it('reads every package and its sources', () => {
    // A reader that found nothing would pass every rule below.
    expect(workspace.length).toBeGreaterThanOrEqual(15);
    expect(workspace.every((p) => p.files.some((f) => f.path.endsWith('/src/index.ts')))).toBe(true);
    const core = workspace.find((p) => p.name === '@sigbox/core');
    expect(core?.files.find((f) => f.path === 'packages/core/src/index.ts')?.imports.length).toBeGreaterThan(0);
  });

  it('has no violation but the known ones', () => {
    expect(allViolations().filter((v) => !KNOWN_VIOLATIONS.includes(v))).toEqual([]);
  });

  it('lists no known violation that is gone', () => {
    const found = new Set(allViolations());
    expect(KNOWN_VIOLATIONS.filter((v) => !found.has(v))).toEqual([]);
  });
});
