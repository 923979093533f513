import type * as Pkcs11js from 'pkcs11js';
import { Pkcs11Error, tokenError } from './error.js';
import type { Handle, Pkcs11Module } from './module.js';

/** Which key: by CKA_LABEL, by CKA_ID, or by both (then both must match). */
export type KeySelector =
  | { keyLabel: string; keyId?: Uint8Array | undefined }
  | { keyLabel?: string | undefined; keyId: Uint8Array };

/** Finds every object matching `template`; FindObjectsInit…Final run back to back, never across an await. */
export function findObjects(module: Pkcs11Module, session: Handle, template: Pkcs11js.Template): Handle[] {
  const { api } = module;
  try {
    api.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      for (let batch = api.C_FindObjects(session, 16); batch.length > 0; batch = api.C_FindObjects(session, 16)) found.push(...batch);
      return found;
    } finally {
      api.C_FindObjectsFinal(session);
    }
  } catch (cause) {
    throw tokenError('DEVICE_ERROR', 'cannot search the token', cause);
  }
}

/** The attribute template that selects a key of `objectClass` by label and/or id. */
export function keyTemplate(module: Pkcs11Module, objectClass: number, key: KeySelector): Pkcs11js.Template {
  const { pk } = module;
  const template: Pkcs11js.Template = [{ type: pk.CKA_CLASS, value: objectClass }];
  if (key.keyLabel !== undefined) template.push({ type: pk.CKA_LABEL, value: key.keyLabel });
  if (key.keyId !== undefined) template.push({ type: pk.CKA_ID, value: Buffer.from(key.keyId) });
  return template;
}

export function describeKey(key: KeySelector): string {
  const parts: string[] = [];
  if (key.keyLabel !== undefined) parts.push(`label ${JSON.stringify(key.keyLabel)}`);
  if (key.keyId !== undefined) parts.push(`id ${Buffer.from(key.keyId).toString('hex')}`);
  return parts.join(' and ');
}

/** Exactly one object of `objectClass` for the selector, or KEY_NOT_FOUND / KEY_AMBIGUOUS. */
export function findKey(module: Pkcs11Module, session: Handle, objectClass: number, key: KeySelector, what: string): Handle {
  if (key.keyLabel === undefined && key.keyId === undefined) {
    throw new Pkcs11Error('KEY_NOT_FOUND', 'a key label or key id is required');
  }
  const found = findObjects(module, session, keyTemplate(module, objectClass, key));
  const [handle] = found;
  if (!handle) throw new Pkcs11Error('KEY_NOT_FOUND', `no ${what} with ${describeKey(key)} in the token`);
  if (found.length > 1) throw new Pkcs11Error('KEY_AMBIGUOUS', `${found.length} ${what}s with ${describeKey(key)} in the token`);
  return handle;
}

/** Reads attributes of one object, in the order asked for (absent values as empty buffers). */
export function readAttributes<const T extends readonly number[]>(module: Pkcs11Module, session: Handle, object: Handle, types: T): { [K in keyof T]: Buffer } {
  try {
    const result = module.api.C_GetAttributeValue(session, object, types.map((type) => ({ type })));
    return types.map((type) => result.find((a) => a.type === type)?.value ?? Buffer.alloc(0)) as { [K in keyof T]: Buffer };
  } catch (cause) {
    throw tokenError('DEVICE_ERROR', 'cannot read key attributes', cause);
  }
}

/** A CK_ULONG attribute (CKA_KEY_TYPE, …) as a number, native-endian as the library wrote it; -1 if absent. */
export function ulong(value: Buffer): number {
  if (value.length >= 8) return Number(value.readBigUInt64LE(0));
  return value.length >= 4 ? value.readUInt32LE(0) : -1;
}

/** A CK_BBOOL attribute. */
export function bool(value: Buffer): boolean {
  return value.length > 0 && value[0] !== 0;
}
