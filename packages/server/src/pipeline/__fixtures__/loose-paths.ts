/**
 * A `paths` map for pipeline tests of routes no OpenAPI file has: every listed path takes GET and POST, any query
 * or path parameter, and may answer any status with any body (`body: undefined` for none).
 */
export interface LooseOperation {
  parameters: { query?: Record<string, string>; header?: never; path?: Record<string, string>; cookie?: never };
  requestBody?: { content: { 'application/json': unknown } };
  responses: Record<number, { headers: Record<string, unknown>; content: { 'application/json': unknown } }>;
}

export type LoosePaths<P extends string> = { [K in P]: { parameters: object; get: LooseOperation; post: LooseOperation } };
