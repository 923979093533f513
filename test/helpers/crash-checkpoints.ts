/** Every signed tree head seen, as GET /api/v1/log returned it (or a 201 carried it). */
export type SeenCheckpoints = Set<string>;

const POLL_INTERVAL_MS = 40;
const POLL_TIMEOUT_MS = 5_000;

/**
 * Polls GET /api/v1/log on every process that is up until `stop()`, recording each signedTreeHead. Errors
 * (a process killed mid-request) are expected and ignored: the point is what a live process says.
 */
export async function pollCheckpoints(targets: () => ReadonlyArray<string | undefined>, seen: SeenCheckpoints, stop: () => boolean): Promise<number> {
  let polls = 0;
  while (!stop()) {
    await Promise.all(
      targets().map(async (url) => {
        if (!url) return;
        try {
          const res = await fetch(`${url}/api/v1/log`, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
          if (res.status !== 200) return;
          const info = (await res.json()) as { signedTreeHead?: unknown };
          if (typeof info.signedTreeHead === 'string') seen.add(info.signedTreeHead);
          polls++;
        } catch {
          // The process went down under the request.
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return polls;
}
