/**
 * Lookups asked for in the same turn of the event loop answered by one call of `many` (a DataLoader in
 * miniature). When an integration round settles, every waiting create resumes at once and each would ask
 * the database for the same right-edge tiles or checkpoint times: one query then serves all of them.
 */
export function coalesce<K, V>(keyOf: (key: K) => string, many: (keys: K[]) => Promise<Map<string, V>>): (keys: readonly K[]) => Promise<Map<string, V>> {
  let queued = new Map<string, K>();
  let waiting: Array<{ resolve: (found: Map<string, V>) => void; reject: (error: unknown) => void }> = [];

  function run(): void {
    const keys = [...queued.values()];
    const callers = waiting;
    queued = new Map();
    waiting = [];
    many(keys).then(
      (found) => callers.forEach((c) => c.resolve(found)),
      (error: unknown) => callers.forEach((c) => c.reject(error)),
    );
  }

  return (keys) => {
    if (keys.length === 0) return Promise.resolve(new Map());
    if (waiting.length === 0) setImmediate(run);
    for (const key of keys) queued.set(keyOf(key), key);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}
