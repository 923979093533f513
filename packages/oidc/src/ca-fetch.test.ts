import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { toolAvailable } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaFetch } from './ca-fetch.js';
import { ISSUER_RESPONSE_MAX_BYTES, fetchIssuerJson } from './issuer-fetch.js';

// An IdP behind an internal TLS CA (issuer `CACert`): only a fetch that trusts that PEM can reach it.
describe.skipIf(!toolAvailable('openssl', 'self-signed TLS certificate for the CACert test'))('createCaFetch', () => {
  let server: https.Server;
  let url: string;
  let caPem: string;
  let otherPem: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oidc-ca-'));
    const selfSigned = (name: string) => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/CN=internal-idp', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, `${name}-key.pem`), '-out', path.join(dir, `${name}.pem`)], { stdio: 'ignore' });
      return fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8');
    };
    caPem = selfSigned('cert');
    otherPem = selfSigned('other');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'cert-key.pem')), cert: caPem }, (req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"p":"'); // chunked, no length announced: only reading finds the size
        res.end(`${'x'.repeat(ISSUER_RESPONSE_MAX_BYTES)}"}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-path': req.url ?? '' }).end(JSON.stringify({ accept: req.headers.accept }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/openid-configuration`;
  });
  afterAll(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));

  it('reaches the server only when its CA is trusted', async () => {
    await expect(fetch(url)).rejects.toThrow();
    const response = await createCaFetch(caPem)(url, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-path')).toBe('/.well-known/openid-configuration');
    expect(await response.json()).toEqual({ accept: 'application/json' });
  });

  it('is read with the same cap as any issuer response', async () => {
    const options = { fetch: createCaFetch(caPem), timeoutMs: 5_000, failure: 'DISCOVERY_FAILED' } as const;
    expect(await fetchIssuerJson(new URL(url), options)).toEqual({ accept: 'application/json' });
    await expect(fetchIssuerJson(new URL('/big', url), options)).rejects.toMatchObject({ code: 'DISCOVERY_FAILED', detail: expect.stringMatching(/limit/) });
  });

  it('does not trust an unrelated CA', async () => {
    await expect(createCaFetch(otherPem)(url)).rejects.toThrow(/self-signed|verify/i);
  });
});
