import { Metadata, TargetFile, Targets } from '@tufjs/models';
import { TufError } from './error.js';
import { formatExpires } from './expires.js';
import { SPEC_VERSION } from './root.js';
import { checkVersion } from './roles.js';
import { type TargetInput, checkTargetName, sha256Hex } from './target-file.js';

export interface TargetsOptions {
  readonly version: number;
  readonly expires: Date;
  readonly targets: readonly TargetInput[];
}

/** targets.json's `signed` part: each target's length and SHA-256, with its custom metadata when given. */
export function buildTargets(options: TargetsOptions): Metadata<Targets> {
  const files: Record<string, TargetFile> = {};
  for (const { name, bytes, custom } of options.targets) {
    if (files[checkTargetName(name)]) throw new TufError('INVALID_TARGET', `target ${name} listed twice`);
    files[name] = new TargetFile({
      path: name,
      length: bytes.byteLength,
      hashes: { sha256: sha256Hex(bytes) },
      ...(custom === undefined ? {} : { unrecognizedFields: { custom: structuredClone(custom) as never } }),
    });
  }
  return new Metadata(
    new Targets({ version: checkVersion(options.version), specVersion: SPEC_VERSION, expires: formatExpires(options.expires), targets: files }),
  );
}
