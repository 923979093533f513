import crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OciError, createRegistryClient, formatReference, parseReference, readDockerConfig, repositoryName } from '@sigbox/oci';
import { type Policy, PolicyError, parsePolicy, policyJsonSchema } from '@sigbox/policy';
import { TRUSTED_ROOT_PATH } from '@sigbox/server';
import { explain, type Explanation } from './explain.js';
import { explanationJson, formatExplanation } from './explain-format.js';
import { imageCandidates } from './image-candidates.js';
import type { CliIo } from './io.js';
import type { PolicyCommand, TrustSource } from './policy-config.js';
import { formatPolicyError, lintPolicy } from './policy-lint.js';
import { type BundleVerifier, createBundleVerifier } from './signature-verify.js';
import { checkCandidate } from './signed-candidate.js';

/** `policy explain`: accepted, not accepted, could not tell (also `policy lint`: valid, invalid, unreadable). */
export const EXIT_ACCEPTED = 0;
export const EXIT_NOT_ACCEPTED = 1;
export const EXIT_POLICY_ERROR = 2;

type ExplainCommand = Extract<PolicyCommand, { action: 'explain' }>;

/** A failure that ends the command with exit 2 and one line on stderr. */
class ExplainFailure extends Error {}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ExplainFailure(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

async function loadTrustedRoot(trust: TrustSource): Promise<unknown> {
  if (trust.kind === 'file') return parseJson(await readText(trust.file, 'the trusted root'), trust.file);
  const url = `${trust.url}${TRUSTED_ROOT_PATH}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((err: Error) => {
    throw new ExplainFailure(`cannot fetch ${url}: ${err.message}`);
  });
  if (!response.ok) throw new ExplainFailure(`cannot fetch ${url}: HTTP ${response.status}`);
  return parseJson(await response.text(), url);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ExplainFailure(`${where} is not JSON`);
  }
}

async function explainBundleFile(command: ExplainCommand, verifier: BundleVerifier, policy: Policy): Promise<Explanation> {
  const bundle = parseJson(await readText(command.target, 'the bundle'), command.target);
  const artifact = command.artifactFile === undefined ? undefined : new Uint8Array(await readFile(command.artifactFile).catch((err: Error) => {
    throw new ExplainFailure(`cannot read the artifact ${command.artifactFile}: ${err.message}`);
  }));
  if (artifact === undefined && typeof bundle === 'object' && bundle !== null && 'messageSignature' in bundle) {
    throw new ExplainFailure(`${command.target} signs an artifact (a message signature): give it with --artifact FILE`);
  }
  const digest = artifact === undefined ? undefined : `sha256:${crypto.createHash('sha256').update(artifact).digest('hex')}`;
  const checked = checkCandidate(verifier, { source: `bundle ${path.basename(command.target)}`, bundle, artifact }, digest);
  const context = command.artifactFile === undefined ? {} : { artifact: path.basename(command.artifactFile) };
  return explain(policy, [checked], command.target, context, true);
}

async function explainImage(command: ExplainCommand, verifier: BundleVerifier, policy: Policy): Promise<Explanation> {
  const ref = parseReference(command.target);
  const client = createRegistryClient({ credentials: await readDockerConfig(command.dockerConfigFile) });
  const { digest, candidates } = await imageCandidates(client, ref);
  const checked = candidates.map((c) => checkCandidate(verifier, c, digest));
  const image = repositoryName(ref);
  return explain(policy, checked, formatReference({ ...ref, digest }), { image });
}

async function runExplain(command: ExplainCommand, io: CliIo): Promise<number> {
  try {
    const policy = parsePolicy(await readText(command.policyFile, 'the policy'));
    let verifier;
    try {
      verifier = createBundleVerifier(await loadTrustedRoot(command.trust));
    } catch (err) {
      if (err instanceof ExplainFailure) throw err;
      throw new ExplainFailure(`the trusted root is not usable: ${(err as Error).message}`);
    }
    const explanation = command.targetIsFile ? await explainBundleFile(command, verifier, policy) : await explainImage(command, verifier, policy);
    io.stdout(command.json ? explanationJson(explanation) : formatExplanation(explanation));
    return explanation.accepted === undefined ? EXIT_NOT_ACCEPTED : EXIT_ACCEPTED;
  } catch (err) {
    if (err instanceof PolicyError) {
      io.stderr(`sigbox: ${formatPolicyError(command.policyFile, err)}\n`);
      return EXIT_POLICY_ERROR;
    }
    if (err instanceof ExplainFailure) io.stderr(`sigbox: ${err.message}\n`);
    else if (err instanceof OciError) io.stderr(`sigbox: ${err.code}: ${err.message}\n`);
    else throw err;
    return EXIT_POLICY_ERROR;
  }
}

/** Runs `sigbox policy lint|explain`; resolves with the exit code. */
export async function runPolicyCommand(command: PolicyCommand, io: CliIo): Promise<number> {
  if (command.action === 'schema') {
    io.stdout(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (command.action === 'lint') {
    let text;
    try {
      text = await readText(command.file, 'the policy');
    } catch (err) {
      io.stderr(`sigbox: ${(err as Error).message}\n`);
      return EXIT_POLICY_ERROR;
    }
    const { ok, output } = lintPolicy(command.file, text);
    io.stdout(output);
    return ok ? 0 : 1;
  }
  return runExplain(command, io);
}
