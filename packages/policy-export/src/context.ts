import type { RuleIdentity } from './rule-identity.js';
import type { TrustMaterial } from './trust-material.js';
import type { ExportFile, ExportInput } from './types.js';

/** What every exporter gets: validated trust material, flattened rules, and the lists it reports into. */
export interface ExportContext {
  readonly input: ExportInput;
  readonly trust: TrustMaterial;
  readonly rules: readonly RuleIdentity[];
  /** metadata.name prefix. */
  readonly name: string;
  readonly dropped: string[];
  readonly warnings: string[];
}

export type Exporter = (ctx: ExportContext) => ExportFile[];

export const GENERATED_BY = 'sigbox export';
