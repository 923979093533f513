import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer, ServerConfig } from '@sigbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBanner, formatClientCommands } from './banner.js';

const config: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: '/var/lib/sigbox',
  databaseUrl: undefined,
  publicUrl: undefined,
  dev: false,
  fulcioConfig: undefined,
};

function trustFiles(dir: string): RunningServer['trustFiles'] {
  return {
    trustedRoot: path.join(dir, 'trusted_root.json'),
    signingConfig: path.join(dir, 'signing_config.v0.2.json'),
    clientTrustConfig: path.join(dir, 'trust_config.json'),
    caChain: path.join(dir, 'fulcio_v1.crt.pem'),
    rekorKey: path.join(dir, 'rekor.pub'),
    ctKey: path.join(dir, 'ctfe.pub'),
  };
}

const server = {
  url: 'http://127.0.0.1:8080',
  publicUrl: 'http://127.0.0.1:8080',
  engine: 'pglite',
  trustedRootFile: '/var/lib/sigbox/trusted_root.json',
  trustFiles: trustFiles('/var/lib/sigbox'),
  warnings: [] as string[],
  tuf: { mirror: 'http://127.0.0.1:8080/tuf', rootFile: '/etc/sigbox/keys/tuf/1.root.json' },
  devIssuerUrl: undefined,
  reload: () => Promise.resolve(),
  closed: Promise.resolve(),
  close: () => Promise.resolve(),
} satisfies RunningServer as RunningServer;
const devServer: RunningServer = { ...server, devIssuerUrl: 'http://127.0.0.1:8080/oidc' };

describe('formatBanner', () => {
  it('says where it listens, where the data and trust files are, and what PGlite is for', () => {
    const text = formatBanner(config, server);
    expect(text).toMatch(/^sigbox listening on http:\/\/127\.0\.0\.1:8080$/m);
    expect(text).toMatch(/^ {2}explorer {7}http:\/\/127\.0\.0\.1:8080\/ /m);
    expect(text).toContain('/var/lib/sigbox/pglite');
    expect(text).toContain('production uses PostgreSQL via --database-url');
    expect(text).toContain('/var/lib/sigbox/trusted_root.json');
    expect(text).toContain('http://127.0.0.1:8080/trusted_root.json');
    expect(text).toMatch(/^ {2}trust files {4}signing_config\.v0\.2\.json trust_config\.json fulcio_v1\.crt\.pem rekor\.pub ctfe\.pub$/m);
    expect(text).toContain('served at http://127.0.0.1:8080/<name>');
    expect(text).toContain('cosign initialize --mirror http://127.0.0.1:8080/tuf --root /etc/sigbox/keys/tuf/1.root.json');
    expect(text).not.toContain('dev mode');
  });

  it('hides the database password and flags dev mode', () => {
    const text = formatBanner({ ...config, dev: true, databaseUrl: 'postgres://sigbox:hunter2@db:5432/sigbox' }, server);
    expect(text).toContain('PostgreSQL postgres://sigbox:***@db:5432/sigbox');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('dev mode');
  });

  it('puts the development issuer warning and any start-up warnings on their own lines, then the commands', () => {
    const text = formatBanner({ ...config, dev: true }, { ...devServer, warnings: ['WARNING: something'] });
    expect(text).toContain('\nWARNING: development OIDC issuer enabled at http://127.0.0.1:8080/oidc\nWARNING: something\n\n# Sign and verify a blob against this box (the lines below paste into a shell):\n');
    expect(text.endsWith(`${formatClientCommands(devServer).join('\n')}\n`)).toBe(true);
  });
});

describe('formatClientCommands', () => {
  it('signs with cosign v3 from the signing config and verifies with the trusted root', () => {
    const text = formatClientCommands(devServer).join('\n');
    expect(text).toContain(
      'cosign sign-blob --signing-config /var/lib/sigbox/signing_config.v0.2.json --trusted-root /var/lib/sigbox/trusted_root.json \\\n' +
        '      --identity-token "$TOKEN" --bundle artifact.sigstore.json -y artifact',
    );
    expect(text).toContain(
      'cosign verify-blob --trusted-root /var/lib/sigbox/trusted_root.json --bundle artifact.sigstore.json \\\n' +
        '      --certificate-identity you@example.com --certificate-oidc-issuer http://127.0.0.1:8080/oidc artifact',
    );
  });

  it('points cosign v2 at the URLs and the per-key files', () => {
    const text = formatClientCommands(devServer).join('\n');
    const env = 'SIGSTORE_ROOT_FILE=/var/lib/sigbox/fulcio_v1.crt.pem SIGSTORE_REKOR_PUBLIC_KEY=/var/lib/sigbox/rekor.pub SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=/var/lib/sigbox/ctfe.pub \\\n';
    expect(text).toContain(`${env}      cosign sign-blob --fulcio-url http://127.0.0.1:8080 --rekor-url http://127.0.0.1:8080 \\\n      --identity-token "$TOKEN" --bundle artifact.bundle -y artifact`);
    expect(text).toContain(`${env}      cosign verify-blob --rekor-url http://127.0.0.1:8080 --bundle artifact.bundle`);
  });

  it('shows how to get a development token only with --dev, and leaves identity and issuer to fill in otherwise', () => {
    const text = formatClientCommands(server).join('\n');
    expect(text).not.toContain('curl');
    expect(text).toContain('--certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER"');
    expect(formatClientCommands(devServer).join('\n')).toContain(
      `TOKEN=$(curl -s -X POST http://127.0.0.1:8080/oidc/token -H 'content-type: application/json' -d '{"email":"you@example.com"}' | sed -E 's/.*"id_token":"([^"]+)".*/\\1/')`,
    );
  });

  describe('run by a shell', () => {
    let stubs: string;
    beforeAll(async () => {
      stubs = await mkdtemp(path.join(tmpdir(), 'sigbox-banner-'));
      // Stand-ins that show what the commands pass: cosign prints its argv and environment, curl answers like
      // the development issuer's token endpoint.
      const cosign = `#!/bin/sh\nprintf 'cosign'; for a in "$@"; do printf ' [%s]' "$a"; done\nprintf ' root=[%s] rekor=[%s] ct=[%s]\\n' "$SIGSTORE_ROOT_FILE" "$SIGSTORE_REKOR_PUBLIC_KEY" "$SIGSTORE_CT_LOG_PUBLIC_KEY_FILE"\n`;
      const curl = `#!/bin/sh\nprintf '{"id_token":"hdr.claims.sig","access_token":"hdr.claims.sig","token_type":"Bearer","expires_in":600}'\n`;
      for (const [name, text] of [['cosign', cosign], ['curl', curl]] as const) {
        await writeFile(path.join(stubs, name), text);
        await chmod(path.join(stubs, name), 0o755);
      }
    });
    afterAll(() => rm(stubs, { recursive: true, force: true }));

    it('extracts the token and passes every path as one word, spaces and quotes included', () => {
      const dir = "/srv/my box/it's";
      const odd: RunningServer = { ...devServer, trustedRootFile: path.join(dir, 'trusted_root.json'), trustFiles: trustFiles(dir) };
      const script = formatClientCommands(odd).join('\n');
      const out = execFileSync('sh', ['-e', '-c', script], { env: { PATH: `${stubs}:${process.env.PATH ?? ''}` }, encoding: 'utf8' }).trim().split('\n');
      expect(out).toHaveLength(4);
      expect(out[0]).toBe(
        `cosign [sign-blob] [--signing-config] [${dir}/signing_config.v0.2.json] [--trusted-root] [${dir}/trusted_root.json] ` +
          '[--identity-token] [hdr.claims.sig] [--bundle] [artifact.sigstore.json] [-y] [artifact] root=[] rekor=[] ct=[]',
      );
      expect(out[2]).toContain('[--identity-token] [hdr.claims.sig]');
      expect(out[2]).toContain(`root=[${dir}/fulcio_v1.crt.pem] rekor=[${dir}/rekor.pub] ct=[${dir}/ctfe.pub]`);
      expect(out[3]).toContain('[--certificate-identity] [you@example.com] [--certificate-oidc-issuer] [http://127.0.0.1:8080/oidc] [artifact]');
    });
  });
});
