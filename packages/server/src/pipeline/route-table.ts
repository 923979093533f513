import { type Api, findOwner } from './api.js';
import type { Operation } from './operation.js';
import { RequestProblem } from './request-problem.js';

/** An operation found for a request, with its path parameters percent-decoded. */
export interface Route {
  readonly api: Api;
  readonly operation: Operation;
  readonly params: Readonly<Record<string, string>>;
}

export interface RouteTable {
  /** The operation for `method` and `path` (no query string), or a RequestProblem: NOT_FOUND or METHOD_NOT_ALLOWED. */
  match(method: string, path: string): Route;
  /** The API that owns errors on `path` (see {@link findOwner}). */
  owner(path: string): Api | undefined;
}

interface Template {
  readonly segments: readonly (string | { readonly param: string })[];
  /** The last parameter takes the rest of the path. */
  readonly rest: boolean;
  readonly api: Api;
  readonly operation: Operation;
}

const PARAM = /^\{([A-Za-z_][\w]*)\}$/;

function compile(api: Api, operation: Operation): Template | undefined {
  const parts = operation.path.split('/').slice(1);
  if (!parts.some((p) => PARAM.test(p))) return undefined;
  const segments = parts.map((p) => {
    const name = PARAM.exec(p)?.[1];
    return name === undefined ? p : { param: name };
  });
  if (operation.restParam && typeof segments.at(-1) === 'string') throw new Error(`${operation.path}: restParam needs a parameter last`);
  return { segments, rest: operation.restParam === true, api, operation };
}

/** Static segments first, then longer templates: `/tile/entries/{path}` before `/tile/{level}/{path}`. */
function specificity(t: Template): number[] {
  return [...t.segments.map((s) => (typeof s === 'string' ? 1 : 0)), t.rest ? 0 : 1];
}

function compareSpecificity(a: Template, b: Template): number {
  const [x, y] = [specificity(a), specificity(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (y[i] ?? -1) - (x[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new RequestProblem('BAD_REQUEST', 400, `cannot decode path parameter ${JSON.stringify(value)}`, { cause });
  }
}

function matchTemplate(template: Template, parts: readonly string[]): Record<string, string> | undefined {
  const { segments, rest } = template;
  if (rest ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Template['segments'][number];
    const part = parts[i] as string;
    if (typeof segment === 'string') {
      if (segment !== part) return undefined;
    } else {
      const last = rest && i === segments.length - 1;
      const value = last ? parts.slice(i).join('/') : part;
      if (value === '') return undefined;
      params[segment.param] = last ? value.split('/').map(decodeParam).join('/') : decodeParam(value);
    }
  }
  return params;
}

const methodOf = (method: string): string => (method === 'HEAD' ? 'GET' : method);

/**
 * Every operation of every API in one table, built once: fixed paths in a map (the hot routes have none of
 * parameters), templates tried most specific first. Matching is case-sensitive, as upstream's Go routers are,
 * and one trailing slash is ignored (sigstore-python posts to `/api/v1/log/entries/retrieve/`). A route defined
 * twice is refused at start: every route has one implementation.
 */
export function createRouteTable(apis: readonly Api[]): RouteTable {
  const fixed = new Map<string, Map<string, Route>>();
  const templates: Template[] = [];
  const seen = new Set<string>();
  for (const api of apis) {
    for (const operation of api.operations) {
      const key = `${operation.method} ${operation.path}`;
      if (seen.has(key)) throw new Error(`${key} is defined twice`);
      seen.add(key);
      const template = compile(api, operation);
      if (template) templates.push(template);
      else {
        const byMethod = fixed.get(operation.path) ?? new Map<string, Route>();
        byMethod.set(operation.method, { api, operation, params: {} });
        fixed.set(operation.path, byMethod);
      }
    }
  }
  templates.sort(compareSpecificity);

  function match(method: string, rawPath: string): Route {
    const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const wanted = methodOf(method);
    const byMethod = fixed.get(path);
    const found = byMethod?.get(wanted);
    if (found) return found;
    let otherMethod = byMethod !== undefined;
    const parts = path.split('/').slice(1);
    for (const template of templates) {
      const params = matchTemplate(template, parts);
      if (params === undefined) continue;
      if (template.operation.method === wanted) return { api: template.api, operation: template.operation, params };
      otherMethod = true;
    }
    throw otherMethod
      ? new RequestProblem('METHOD_NOT_ALLOWED', 405, `${method} is not allowed on ${path}`)
      : new RequestProblem('NOT_FOUND', 404, `no route for ${path}`);
  }

  return { match, owner: (path) => findOwner(apis, path) };
}
