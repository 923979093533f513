/**
 * go-swagger model validation messages, byte for byte (go-openapi/errors schema.go). Nested objects repeat their
 * path because each level calls `ValidateName` on an already prefixed message: `data.hash.algorithm` becomes
 * `data.data.hash.data.hash.algorithm`. Each property reports only its first failure.
 */
export function goFieldName(objectPath: readonly string[], field: string): string {
  const prefixes = objectPath.map((_, i) => `${objectPath.slice(0, i + 1).join('.')}.`).join('');
  return prefixes + [...objectPath, field].join('.');
}

export const required = (name: string) => `${name} in body is required`;
export const notInEnum = (name: string, values: readonly string[]) => `${name} in body should be one of [${values.join(' ')}]`;
export const patternMismatch = (name: string, pattern: string) => `${name} in body should match '${pattern}'`;
export const tooFewItems = (name: string, min: number) => `${name} in body should have at least ${min} items`;

/** Joins property failures as a CompositeValidationError prints them; throws when there is any. */
export function throwValidationList(errors: ReadonlyArray<string | undefined>): void {
  const list = errors.filter((e): e is string => e !== undefined);
  if (list.length > 0) throw new Error(`validation failure list:\n${list.join('\n')}`);
}

/** A `{algorithm, value}` hash object's first failure (algorithm before value, as properties sort). */
export function hashObjectError(path: readonly string[], hash: { algorithm?: string | undefined; value?: string | undefined }, algorithms: readonly string[]): string | undefined {
  if (hash.algorithm === undefined) return required(goFieldName(path, 'algorithm'));
  if (!algorithms.includes(hash.algorithm)) return notInEnum(goFieldName(path, 'algorithm'), algorithms);
  if (hash.value === undefined) return required(goFieldName(path, 'value'));
  return undefined;
}

/** The Go type name `%T` prints for a JSON value decoded with `UseNumber` (DecodeEntry's error). */
export function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'number') return 'json.Number';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface HashObject {
  algorithm: string | undefined;
  value: string | undefined;
}

/** `{algorithm, value}` as DecodeEntry reads it: present only when it is an object; non-strings ignored. */
export function readHashObject(value: unknown): HashObject | undefined {
  if (!isObject(value)) return undefined;
  return { algorithm: optionalString(value.algorithm), value: optionalString(value.value) };
}
