import { type CosignatureKey, NoteError, parseCosignatureVerifierKey } from '@sigbox/merkle';
import { WitnessError } from './error.js';

/**
 * Witness policies in the format rekor-tiles reads with `--witness-policy-path`: Sigsum's policy format
 * (sigsum-go doc/policy.md) as Tessera's `NewWitnessGroupFromPolicy` parses it (transparency-dev/tessera@1811ae1a
 * witness.go), with witness keys as type 0x04 vkeys:
 *
 *     # comment
 *     log <key> [<url>]                         ignored: we are the log
 *     witness <name> <vkey> <url>               the URL is the witness's submission prefix
 *     group <name> <any|all|N> <member>...      members are witnesses or groups defined above
 *     quorum <name|none>
 */

/** A witness the log sends its checkpoints to. */
export interface PolicyWitness {
  /** The policy's name for it (what groups refer to, and the `witness` label of the metrics). */
  readonly name: string;
  /** Its cosignature key; `key.name` is the name on its cosignature lines. */
  readonly key: CosignatureKey;
  /** The submission prefix: requests go to `<url>/add-checkpoint`. */
  readonly url: string;
}

/** A node of the quorum: one witness, or a group satisfied when `threshold` of its members are. */
export type QuorumNode =
  | { readonly kind: 'witness'; readonly name: string }
  | { readonly kind: 'group'; readonly name: string; readonly threshold: number; readonly members: readonly QuorumNode[] };

export interface WitnessPolicy {
  /** Every witness line, in file order (each is sent every checkpoint, in or out of the quorum). */
  readonly witnesses: readonly PolicyWitness[];
  /** What counts as witnessed; `quorum none` is a group of threshold 0, always satisfied. */
  readonly quorum: QuorumNode;
}

// Tessera's `keywords`: none may name a component.
const KEYWORDS = new Set(['witness', 'group', 'any', 'all', 'none', 'quorum', 'log']);
const MAX_THRESHOLD = 255; // Tessera: strconv.ParseUint(N, 10, 8)

function fail(line: number, message: string, cause?: unknown): WitnessError {
  return new WitnessError('INVALID_POLICY', `witness policy line ${line}: ${message}`, { details: { line }, ...(cause === undefined ? {} : { cause }) });
}

function checkName(line: number, what: string, name: string): void {
  if (KEYWORDS.has(name)) throw fail(line, `${what} name ${JSON.stringify(name)} is a keyword`);
}

function parseUrl(line: number, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw fail(line, `invalid witness URL ${JSON.stringify(text)}`, cause);
  }
  // Tessera takes anything url.Parse does; a log can only POST to http(s), so say so here rather than at run time.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(line, `witness URL ${JSON.stringify(text)} is not http(s)`);
  return text;
}

function parseThreshold(line: number, text: string, members: number): number {
  const n = text === 'any' ? 1 : text === 'all' ? members : /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n > MAX_THRESHOLD) throw fail(line, `invalid threshold ${JSON.stringify(text)}`);
  if (n > members) throw fail(line, `group with ${members} members cannot have threshold ${n}`);
  return n;
}

/**
 * Parses a witness policy. Errors are INVALID_POLICY with the 1-based line in the message and `details.line`.
 *
 * @example
 * const policy = parseWitnessPolicy(fs.readFileSync(path, 'utf8'));
 */
export function parseWitnessPolicy(text: string): WitnessPolicy {
  const witnesses: PolicyWitness[] = [];
  const components = new Map<string, QuorumNode>();
  const keyNameByUrl = new Map<string, string>();
  let quorum: { name: string; line: number } | undefined;

  for (const [i, raw] of text.split('\n').entries()) {
    const line = i + 1;
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter((f) => f !== '');
    const [keyword, ...args] = fields;
    switch (keyword) {
      case undefined:
      case 'log':
        continue;
      case 'witness': {
        if (args.length !== 3) throw fail(line, 'expected: witness <name> <vkey> <url>');
        const [name = '', vkey = '', urlText = ''] = args;
        checkName(line, 'witness', name);
        if (components.has(name)) throw fail(line, `duplicate name ${JSON.stringify(name)}`);
        let key: CosignatureKey;
        try {
          key = parseCosignatureVerifierKey(vkey);
        } catch (cause) {
          throw fail(line, cause instanceof NoteError ? cause.message : 'invalid witness key', cause);
        }
        const url = parseUrl(line, urlText);
        // Tessera: one URL answers for one witness key name.
        const other = keyNameByUrl.get(url);
        if (other !== undefined && other !== key.name) throw fail(line, `witness URL ${url} already belongs to key ${JSON.stringify(other)}`);
        keyNameByUrl.set(url, key.name);
        witnesses.push({ name, key, url });
        components.set(name, { kind: 'witness', name });
        continue;
      }
      case 'group': {
        if (args.length < 2) throw fail(line, 'expected: group <name> <any|all|N> <member>...');
        const [name = '', thresholdText = '', ...memberNames] = args;
        checkName(line, 'group', name);
        if (components.has(name)) throw fail(line, `duplicate name ${JSON.stringify(name)}`);
        const members = memberNames.map((member) => {
          checkName(line, 'member', member);
          const node = components.get(member);
          if (node === undefined) throw fail(line, `unknown member ${JSON.stringify(member)} (define it above)`);
          return node;
        });
        components.set(name, { kind: 'group', name, threshold: parseThreshold(line, thresholdText, members.length), members });
        continue;
      }
      case 'quorum': {
        if (args.length !== 1) throw fail(line, 'expected: quorum <name|none>');
        // Tessera keeps the last quorum line; two are a mistake worth pointing at.
        if (quorum !== undefined) throw fail(line, `second quorum line (the first is line ${quorum.line})`);
        quorum = { name: args[0] ?? '', line };
        continue;
      }
      default:
        throw fail(line, `unknown keyword ${JSON.stringify(keyword)}`);
    }
  }

  if (quorum === undefined) throw new WitnessError('INVALID_POLICY', 'witness policy must define a quorum (quorum <name|none>)');
  if (quorum.name === 'none') return { witnesses, quorum: { kind: 'group', name: 'none', threshold: 0, members: [] } };
  checkName(quorum.line, 'quorum', quorum.name);
  const node = components.get(quorum.name);
  if (node === undefined) throw fail(quorum.line, `quorum ${JSON.stringify(quorum.name)} is not defined`);
  return { witnesses, quorum: node };
}

/** Whether the witnesses named in `cosigned` satisfy `node` (Tessera `WitnessGroup.Satisfied`). */
export function quorumSatisfied(node: QuorumNode, cosigned: ReadonlySet<string>): boolean {
  if (node.kind === 'witness') return cosigned.has(node.name);
  let satisfied = 0;
  for (const member of node.members) if (quorumSatisfied(member, cosigned)) satisfied++;
  return satisfied >= node.threshold;
}
