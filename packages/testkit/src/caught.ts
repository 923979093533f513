/**
 * The error `run` throws, which must be a `type`: another error is thrown on, and no error at all fails the test,
 * so the caller can assert on the error's code and message.
 *
 * @example
 * expect(caught(ConfigError, () => loadConfig(['up', '--port', 'x'], {})).code).toBe('INVALID_FLAG');
 */
export function caught<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}`);
}
