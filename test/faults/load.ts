/**
 * The fault suite's traffic besides the Rekor writers (test/helpers/crash-writers.ts): CA writers asking for
 * certificates through /api/v2/signingCert with development tokens, and an observer polling the reads a client or
 * a load balancer makes. Both judge every answer as it comes: 2xx and 4xx, or 503 with Retry-After; never another
 * 5xx, never an answer later than its bound.
 */
import crypto, { X509Certificate } from 'node:crypto';

/** What the CA writers saw. */
export interface CertificateOutcomes {
  /** Serial numbers (hex, as X509Certificate gives them) of the certificates issued (200). */
  issued: string[];
  /** 503s with Retry-After, retried. */
  unavailable: number;
  /** Connections refused or broken (Sigbox down or going down), retried. */
  broken: number;
  /** Anything else: status and text, or a hang. Expected to stay empty. */
  unexpected: string[];
}

/** Answer bounds of the suite (generous "not stalled" bounds for a loaded two-core machine; see the suite). */
export interface Bounds {
  /** /healthz: its own deadline is 500 ms. */
  healthMs: number;
  /** Any other request. */
  requestMs: number;
}

const EMAIL = 'faults@example.com';
const PAUSE_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST /api/v2/signingCert with a fresh P-256 key and its proof of possession (the email, signed). */
function signingRequest(token: string): string {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({
    credentials: { oidcIdentityToken: token },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: publicKey.export({ format: 'pem', type: 'spki' }) },
      proofOfPossession: crypto.sign('sha256', Buffer.from(EMAIL), privateKey).toString('base64'),
    },
  });
}

async function devToken(url: string): Promise<string> {
  const res = await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL }) });
  if (res.status !== 200) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { id_token: string }).id_token;
}

/** `writers` concurrent CA clients against whichever URL `target()` gives, until `stop()`. */
export async function runCertificateWriters(options: { writers: number; target: () => string | undefined; stop: () => boolean; bounds: Bounds }): Promise<CertificateOutcomes> {
  const out: CertificateOutcomes = { issued: [], unavailable: 0, broken: 0, unexpected: [] };
  async function writer(): Promise<void> {
    let token: string | undefined;
    while (!options.stop()) {
      const url = options.target();
      if (url === undefined) {
        await sleep(PAUSE_MS);
        continue;
      }
      const started = performance.now();
      try {
        token ??= await devToken(url);
        const res = await fetch(`${url}/api/v2/signingCert`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: signingRequest(token),
          signal: AbortSignal.timeout(options.bounds.requestMs),
        });
        const text = await res.text();
        if (res.status === 200) {
          const answer = JSON.parse(text) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } };
          out.issued.push(new X509Certificate(answer.signedCertificateEmbeddedSct.chain.certificates[0] as string).serialNumber);
        } else if (res.status === 503 && res.headers.get('retry-after') !== null) {
          out.unavailable++;
          await sleep(PAUSE_MS);
        } else {
          out.unexpected.push(`signingCert ${res.status} (retry-after ${res.headers.get('retry-after')}): ${text.slice(0, 200)}`);
        }
      } catch (error) {
        if (error instanceof DOMException && error.name === 'TimeoutError') {
          out.unexpected.push(`signingCert unanswered after ${Math.round(performance.now() - started)} ms`);
        } else {
          out.broken++;
          token = undefined;
          await sleep(PAUSE_MS);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: options.writers }, writer));
  return out;
}

/** What the observer saw, by path. */
export interface Observations {
  /** Answers by path and status, e.g. `/healthz 503`. */
  answers: Map<string, number>;
  /** Every Rekor signed tree head seen (GET /api/v1/log). */
  checkpoints: Set<string>;
  /** Slowest answer by path, in ms. */
  slowestMs: Map<string, number>;
  unexpected: string[];
}

const OBSERVED = ['/healthz', '/api/v1/log', '/ct/v1/get-sth'] as const;
const OBSERVE_INTERVAL_MS = 100;

/**
 * Polls /healthz, GET /api/v1/log and the CT log's get-sth until `stop()`. /healthz may answer 200 or 503
 * NOT_SERVING; the others 200, or 503 with Retry-After while the database is away.
 */
export async function observe(options: { target: () => string | undefined; stop: () => boolean; bounds: Bounds }, seen: Observations): Promise<void> {
  const count = (key: string) => seen.answers.set(key, (seen.answers.get(key) ?? 0) + 1);
  async function once(url: string, path: (typeof OBSERVED)[number]): Promise<void> {
    const boundMs = path === '/healthz' ? options.bounds.healthMs : options.bounds.requestMs;
    const started = performance.now();
    try {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(boundMs) });
      const text = await res.text();
      const ms = performance.now() - started;
      seen.slowestMs.set(path, Math.max(ms, seen.slowestMs.get(path) ?? 0));
      count(`${path} ${res.status}`);
      if (res.status === 200) {
        if (path === '/api/v1/log') seen.checkpoints.add((JSON.parse(text) as { signedTreeHead: string }).signedTreeHead);
      } else if (res.status !== 503 || (path !== '/healthz' && res.headers.get('retry-after') === null)) {
        seen.unexpected.push(`${path} ${res.status} (retry-after ${res.headers.get('retry-after')}): ${text.slice(0, 200)}`);
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') seen.unexpected.push(`${path} unanswered after ${boundMs} ms`);
      // Otherwise Sigbox was down or going down: nothing to judge.
    }
  }
  while (!options.stop()) {
    const url = options.target();
    if (url !== undefined) await Promise.all(OBSERVED.map((path) => once(url, path)));
    await sleep(OBSERVE_INTERVAL_MS);
  }
}
