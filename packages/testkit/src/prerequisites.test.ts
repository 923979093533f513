import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findTool, requirePostgres, toolAvailable, unavailable } from './prerequisites.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Runs `f` locally (CI unset), with the skip message captured. */
function locally<T>(f: () => T): { result: T; warned: string[] } {
  vi.stubEnv('CI', '');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return { result: f(), warned: warn.mock.calls.map((c) => String(c[0])) };
  } finally {
    warn.mockRestore();
  }
}

describe('unavailable', () => {
  it('skips locally, saying what and why', () => {
    expect(locally(() => unavailable('thing', 'needed for x'))).toEqual({ result: undefined, warned: ['skipping: thing (needed for x)'] });
  });

  it('fails under CI=true', () => {
    vi.stubEnv('CI', 'true');
    expect(() => unavailable('thing', 'needed for x')).toThrow('thing: required under CI=true (needed for x)');
  });
});

describe('toolAvailable and findTool', () => {
  it('finds a command on PATH', () => {
    expect(toolAvailable('sh', 'a shell')).toBe(true);
    expect(findTool({ command: 'sh', why: 'a shell' })).toMatch(/\/sh$/);
  });

  it('skips without the tool locally and fails under CI=true', () => {
    expect(locally(() => toolAvailable('sigbox-no-such-tool', 'why')).result).toBe(false);
    expect(locally(() => findTool({ env: 'SIGBOX_NO_SUCH_TOOL', command: 'sigbox-no-such-tool', why: 'why' }))).toEqual({
      result: undefined,
      warned: ['skipping: SIGBOX_NO_SUCH_TOOL is not set and sigbox-no-such-tool not found on PATH (why)'],
    });
    vi.stubEnv('CI', 'true');
    expect(() => toolAvailable('sigbox-no-such-tool', 'why')).toThrow(/required under CI=true/);
  });

  it('takes the path from the variable, which must name a file that runs', () => {
    vi.stubEnv('SIGBOX_TEST_TOOL', process.execPath);
    expect(findTool({ env: 'SIGBOX_TEST_TOOL', command: 'sh', why: 'why' })).toBe(process.execPath);
    const plain = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-tool-')), 'tool');
    fs.writeFileSync(plain, '', { mode: 0o644 });
    vi.stubEnv('SIGBOX_TEST_TOOL', plain);
    expect(() => findTool({ env: 'SIGBOX_TEST_TOOL', why: 'why' })).toThrow(/EACCES/);
    fs.rmSync(path.dirname(plain), { recursive: true });
  });
});

describe('requirePostgres', () => {
  it('runs with TEST_DATABASE_URL', () => {
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
    expect(requirePostgres('suite')).toBe(true);
  });

  it('skips without it, also under CI=true alone (the PGlite pass)', () => {
    vi.stubEnv('TEST_DATABASE_URL', '');
    expect(locally(() => requirePostgres('suite')).result).toBe(false);
    vi.stubEnv('CI', 'true');
    vi.stubEnv('SIGBOX_REQUIRE_POSTGRES', '');
    expect(requirePostgres('suite')).toBe(false);
  });

  it('fails without it when CI=true and SIGBOX_REQUIRE_POSTGRES=1', () => {
    vi.stubEnv('TEST_DATABASE_URL', '');
    vi.stubEnv('CI', 'true');
    vi.stubEnv('SIGBOX_REQUIRE_POSTGRES', '1');
    expect(() => requirePostgres('suite')).toThrow('suite needs TEST_DATABASE_URL when CI=true and SIGBOX_REQUIRE_POSTGRES=1');
  });
});
