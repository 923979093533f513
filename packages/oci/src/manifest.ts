import { OciError } from './error.js';

/** An OCI content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
}

/** An image manifest or an index, with the fields this client reads; `raw` is the whole JSON. */
export interface Manifest {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Descriptor;
  return typeof d === 'object' && d !== null && typeof d.mediaType === 'string' && typeof d.digest === 'string' && typeof d.size === 'number';
}

/** Parses manifest bytes, checking the shape the rest of the client relies on (schemaVersion 2, well-formed descriptors). */
export function parseManifest(bytes: Uint8Array, what: string): Manifest {
  let json: Manifest;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
  } catch (cause) {
    throw new OciError('INVALID_RESPONSE', `${what}: not JSON`, { cause });
  }
  const bad = (why: string) => new OciError('INVALID_RESPONSE', `${what}: ${why}`);
  if (typeof json !== 'object' || json === null || json.schemaVersion !== 2) throw bad('not a schemaVersion 2 manifest');
  for (const key of ['layers', 'manifests'] as const) {
    const list = json[key];
    if (list !== undefined && !(Array.isArray(list) && list.every(isDescriptor))) throw bad(`"${key}" is not a list of descriptors`);
  }
  if (json.config !== undefined && !isDescriptor(json.config)) throw bad('"config" is not a descriptor');
  return json;
}
