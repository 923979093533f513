import { execFile } from 'node:child_process';

/** Every tool call is killed after this by default: a hung client must fail its test, not the suite's timeout. */
export const TOOL_TIMEOUT_MS = 60_000;

export interface ToolResult {
  /** Exit status; `timeout` when killed after the time allowed. */
  code: number | 'timeout';
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  cwd?: string;
  /** The whole environment of the call (nothing is inherited that is not here). */
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
}

/** Runs `binary args…` time-bound; never rejects: a failure is a result to assert on. */
export function runTool(binary: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    const { cwd, env, timeoutMs = TOOL_TIMEOUT_MS } = options;
    execFile(binary, [...args], { cwd, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: number | string; killed?: boolean }) | null;
      const code = failed === null ? 0 : failed.killed ? 'timeout' : typeof failed.code === 'number' ? failed.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
