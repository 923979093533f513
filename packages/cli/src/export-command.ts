import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PolicyError, parsePolicy } from '@sigbox/policy';
import { ExportError, exportPolicy, rekorUrlOf, type ExportInput } from '@sigbox/policy-export';
import { TRUSTED_ROOT_PATH } from '@sigbox/server';
import type { ExportCommand } from './export-config.js';
import type { CliIo } from './io.js';

export const EXIT_EXPORTED = 0;
export const EXIT_EXPORT_FAILED = 1;

/** Where `sigbox up` mounts the TUF repository (packages/server start-server.ts: `<public-url>/tuf`). */
const TUF_MIRROR_PATH = '/tuf';
const FETCH_TIMEOUT_MS = 10_000;

/** A failure to report in one line and exit 1 (the policy, the trust material, the export). */
class ExportFailure extends Error {}

async function fetchText(url: string, fetchImpl: typeof fetch): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch (err) {
    throw new ExportFailure(`cannot fetch ${url}: ${(err as Error).message}`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new ExportFailure(`cannot fetch ${url}: HTTP ${response.status}`);
  return response.text();
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ExportFailure(`${what} is not JSON: ${(err as Error).message}`);
  }
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ExportFailure(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Trust material and Rekor URL from the running box (and its TUF root, when it serves one) or from a file. */
async function trustInput(command: ExportCommand, fetchImpl: typeof fetch): Promise<Pick<ExportInput, 'trustedRoot' | 'rekorUrl' | 'tuf'>> {
  if ('trustedRootFile' in command.trust) {
    const trustedRoot = parseJson(await readText(command.trust.trustedRootFile, 'the trusted root'), command.trust.trustedRootFile);
    return { trustedRoot, rekorUrl: rekorUrlOf(trustedRoot) };
  }
  const { url } = command.trust;
  const rootText = await fetchText(`${url}${TRUSTED_ROOT_PATH}`, fetchImpl);
  if (rootText === undefined) throw new ExportFailure(`${url}${TRUSTED_ROOT_PATH}: not found (is ${url} a Sigbox?)`);
  const mirror = `${url}${TUF_MIRROR_PATH}`;
  const tufRoot = await fetchText(`${mirror}/1.root.json`, fetchImpl);
  if (tufRoot === undefined && command.trustRoot === 'remote') throw new ExportFailure(`${mirror}/1.root.json: not found, so --trust-root remote cannot be used`);
  return { trustedRoot: parseJson(rootText, `${url}${TRUSTED_ROOT_PATH}`), rekorUrl: url, ...(tufRoot === undefined ? {} : { tuf: { mirror, root: tufRoot } }) };
}

/**
 * Runs `sigbox export`: YAML on stdout (documents joined by `---`) or files in --out; `dropped:` and `warning:`
 * lines on stderr; exit 1 with one line on a policy, trust material or export error.
 */
export async function runExportCommand(command: ExportCommand, io: CliIo, fetchImpl: typeof fetch = fetch): Promise<number> {
  try {
    const text = await readText(command.policyFile, 'the policy');
    const policy = parsePolicy(text);
    const result = exportPolicy(command.target, {
      policy,
      ...(await trustInput(command, fetchImpl)),
      allowDropped: command.allowDropped,
      ...(command.trustRoot === undefined ? {} : { trustRoot: command.trustRoot }),
      ...(command.signatureFormat === undefined ? {} : { signatureFormat: command.signatureFormat }),
      ...(command.name === undefined ? {} : { name: command.name }),
    });
    for (const d of result.dropped) io.stderr(`dropped: ${d}\n`);
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    if (command.outDir === undefined) {
      io.stdout(result.files.map((f) => f.content).join('---\n'));
      return EXIT_EXPORTED;
    }
    await mkdir(command.outDir, { recursive: true });
    for (const f of result.files) {
      const file = path.join(command.outDir, f.path);
      await writeFile(file, f.content, { mode: f.kind === 'script' ? 0o755 : 0o644 });
      io.stderr(`wrote ${file}\n`);
    }
    return EXIT_EXPORTED;
  } catch (err) {
    if (err instanceof PolicyError) io.stderr(`${command.policyFile}:${err.line}:${err.column}: ${err.code} ${err.message.replace(/^\d+:\d+: /u, '')}\n`);
    else if (err instanceof ExportError && err.code === 'NOT_EXPRESSIBLE') {
      const dropped = (err.details?.dropped ?? []) as string[];
      for (const d of dropped) io.stderr(`cannot express: ${d}\n`);
      io.stderr(`sigbox: export ${command.target}: NOT_EXPRESSIBLE: ${command.target} cannot check the ${dropped.length} expectation(s) above; --allow-dropped exports anyway (admitting more than the policy)\n`);
    } else if (err instanceof ExportError) io.stderr(`sigbox: export ${command.target}: ${err.code}: ${err.message}\n`);
    else if (err instanceof ExportFailure) io.stderr(`sigbox: export ${command.target}: ${err.message}\n`);
    else throw err;
    return EXIT_EXPORT_FAILED;
  }
}
