// The stack the interop suites stand on, without any client: the real `sigbox up --dev` on the embedded PGlite.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { INTEROP_STACK_START_TIMEOUT_MS, startInteropStack } from './interop-stack.js';

describe('startInteropStack', () => {
  it('serves the box with its trust files and dev tokens, runs clients in a private environment, and cleans up', async () => {
    const stack = await startInteropStack('pglite', { name: 'stack-test', keepRequestLog: true });
    let closed = false;
    try {
      expect(stack.issuer).toBe(`${stack.url}/oidc`);
      expect(fs.readdirSync(stack.tufRoot)).toEqual([]);
      // The Rekor v1 log and the Rekor v2 log (Ed25519).
      expect(stack.trustedRoot.tlogs.map((t) => t.publicKey.keyDetails)).toEqual(['PKIX_ECDSA_P256_SHA_256', 'PKIX_ED25519']);
      expect(fs.readFileSync(stack.trustFile('rekor.pub'), 'utf8')).toBe(await (await fetch(`${stack.url}/api/v1/log/publicKey`)).text());
      const claims = JSON.parse(Buffer.from((await stack.devToken('me@example.com')).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: stack.issuer, email: 'me@example.com' });
      await expect(stack.loggedBody(0)).rejects.toThrow(/entry 0: HTTP 404/);
      expect(stack.requestLog()).toContain('"path":"/oidc/token"');

      vi.stubEnv('SIGSTORE_REKOR_PUBLIC_KEY', '/elsewhere/rekor.pub');
      vi.stubEnv('TUF_ROOT', '/elsewhere/tuf');
      const script = 'console.log(JSON.stringify([process.cwd(), process.env.HOME, process.env.TUF_ROOT, process.env.SIGSTORE_REKOR_PUBLIC_KEY, process.env.EXTRA]))';
      const run = await stack.runClient(process.execPath, ['-e', script], { EXTRA: 'x' });
      vi.unstubAllEnvs();
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([fs.realpathSync(stack.work), stack.home, stack.tufRoot, null, 'x']);

      closed = true;
      expect(await stack.close()).toBe(0);
      expect(fs.existsSync(stack.dir)).toBe(false);
    } finally {
      if (!closed) await stack.close();
    }
  }, INTEROP_STACK_START_TIMEOUT_MS);
});
