import { createEphemeralSigner } from '@sigbox/core';
import { formatCosignatureVerifierKey, formatVerifierKey } from '@sigbox/merkle';
import { describe, expect, it } from 'vitest';
import { WitnessError } from './error.js';
import { parseWitnessPolicy, quorumSatisfied } from './policy.js';

const vkey = (name: string) => formatCosignatureVerifierKey(name, createEphemeralSigner('ed25519').publicKey);
const [A, B, C] = [vkey('a.example/w'), vkey('b.example/w'), vkey('c.example/w')];

function policyError(text: string): { line: unknown; message: string } {
  try {
    parseWitnessPolicy(text);
  } catch (error) {
    if (!(error instanceof WitnessError) || error.code !== 'INVALID_POLICY') throw error;
    return { line: error.details?.line, message: error.message };
  }
  throw new Error('policy was accepted');
}

describe('witness policy (sigsum format, as Tessera parses it)', () => {
  it('reads witnesses, nested groups, comments and log lines, and evaluates the quorum', () => {
    const policy = parseWitnessPolicy(
      [
        '# rekor-tiles style policy',
        'log AURL… ignored-because-we-are-the-log',
        `witness wa ${A} https://a.example/w   # trailing comment`,
        `witness wb ${B} http://127.0.0.1:7380/`,
        `  witness wc ${C} https://c.example`,
        'group two 2 wa wb',
        'group top any two wc',
        'quorum top',
        '',
      ].join('\n'),
    );
    expect(policy.witnesses.map((w) => [w.name, w.key.name, w.url])).toEqual([
      ['wa', 'a.example/w', 'https://a.example/w'],
      ['wb', 'b.example/w', 'http://127.0.0.1:7380/'],
      ['wc', 'c.example/w', 'https://c.example'],
    ]);
    expect(quorumSatisfied(policy.quorum, new Set())).toBe(false);
    expect(quorumSatisfied(policy.quorum, new Set(['wa']))).toBe(false);
    expect(quorumSatisfied(policy.quorum, new Set(['wa', 'wb']))).toBe(true);
    expect(quorumSatisfied(policy.quorum, new Set(['wc']))).toBe(true);
  });

  it('takes all, a single witness as the quorum, and none', () => {
    const all = parseWitnessPolicy(`witness wa ${A} https://a\nwitness wb ${B} https://b\ngroup g all wa wb\nquorum g\n`);
    expect(quorumSatisfied(all.quorum, new Set(['wa']))).toBe(false);
    expect(quorumSatisfied(all.quorum, new Set(['wa', 'wb']))).toBe(true);
    const single = parseWitnessPolicy(`witness wa ${A} https://a\nquorum wa\n`);
    expect(quorumSatisfied(single.quorum, new Set(['wa']))).toBe(true);
    const none = parseWitnessPolicy(`witness wa ${A} https://a\nquorum none\n`);
    expect(quorumSatisfied(none.quorum, new Set())).toBe(true);
  });

  it('points at the line of each mistake', () => {
    const log = formatVerifierKey('a.example/w', createEphemeralSigner('ed25519').publicKey);
    const cases: Array<[string, number, RegExp]> = [
      [`witness wa ${A}\nquorum wa`, 1, /expected: witness <name> <vkey> <url>/],
      [`\nwitness wa ${log} https://a\nquorum wa`, 2, /type 1 is not 4/],
      [`witness wa ${A} https://a\nwitness wa ${B} https://b\nquorum wa`, 2, /duplicate name "wa"/],
      [`witness all ${A} https://a\nquorum all`, 1, /keyword/],
      [`witness wa ${A} ftp://a\nquorum wa`, 1, /not http\(s\)/],
      [`witness wa ${A} not-a-url\nquorum wa`, 1, /invalid witness URL/],
      [`witness wa ${A} https://a\nwitness wb ${B} https://a\nquorum wa`, 2, /already belongs/],
      [`witness wa ${A} https://a\ngroup g 2 wa\nquorum g`, 2, /1 members cannot have threshold 2/],
      [`witness wa ${A} https://a\ngroup g most wa\nquorum g`, 2, /invalid threshold/],
      [`group g any wz\nquorum g`, 1, /unknown member "wz"/],
      [`witness wa ${A} https://a\nquorum wa\nquorum wa`, 3, /second quorum line \(the first is line 2\)/],
      [`witness wa ${A} https://a\nquorum wz`, 2, /"wz" is not defined/],
      [`witness wa ${A} https://a\nmonitor x\nquorum wa`, 2, /unknown keyword "monitor"/],
    ];
    for (const [text, line, message] of cases) {
      const error = policyError(text);
      expect(error.line, text).toBe(line);
      expect(error.message).toMatch(new RegExp(`^witness policy line ${line}: `));
      expect(error.message).toMatch(message);
    }
    expect(() => parseWitnessPolicy(`witness wa ${A} https://a\n`)).toThrow(/must define a quorum/);
  });
});
