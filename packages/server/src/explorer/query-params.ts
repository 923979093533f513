import { HttpError } from '../http-error.js';

/** A 400 in Sigbox's own error shape. */
export const badRequest = (message: string) => new HttpError(400, { code: 400, message });

/** An optional integer query parameter within bounds; anything else is a 400 naming it. */
export function intParam(query: Readonly<Record<string, unknown>>, name: string, options: { min: number; max?: number }): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw badRequest(`${name} must be a non-negative integer`);
  const value = Number(raw);
  if (value < options.min || (options.max !== undefined && value > options.max)) throw badRequest(`${name} must be between ${options.min} and ${options.max ?? 'any'}`);
  return value;
}
