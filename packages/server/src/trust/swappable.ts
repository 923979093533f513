/**
 * An object whose implementation can be replaced while it is in use: callers hold `proxy` and reach whatever was
 * set last. A key rotation swaps the CA service or the CT log under the APIs mounted at start, so no route is
 * rebuilt and no request is refused; a call already under way finishes on the object it started on.
 */
export interface Swappable<T extends object> {
  readonly proxy: T;
  current(): T;
  set(next: T): void;
}

export function swappable<T extends object>(initial: T): Swappable<T> {
  let target = initial;
  const proxy = new Proxy({} as T, {
    get: (_, property) => {
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (_, property) => Reflect.has(target, property),
  });
  return {
    proxy,
    current: () => target,
    set: (next) => {
      target = next;
    },
  };
}
