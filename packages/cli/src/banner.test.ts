import type { RunningServer, ServerConfig } from '@sigbox/server';
import { describe, expect, it } from 'vitest';
import { formatBanner } from './banner.js';

const config: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: '/var/lib/sigbox',
  databaseUrl: undefined,
  publicUrl: undefined,
  dev: false,
  fulcioConfig: undefined,
};
const server = {
  url: 'http://127.0.0.1:8080',
  publicUrl: 'http://127.0.0.1:8080',
  engine: 'pglite',
  trustedRootFile: '/var/lib/sigbox/trusted_root.json',
  warnings: [] as string[],
  devIssuerUrl: undefined,
  closed: Promise.resolve(),
  close: () => Promise.resolve(),
} satisfies RunningServer as RunningServer;

describe('formatBanner', () => {
  it('says where it listens, where the data and trust root are, and what PGlite is for', () => {
    const text = formatBanner(config, server);
    expect(text).toMatch(/^sigbox listening on http:\/\/127\.0\.0\.1:8080$/m);
    expect(text).toContain('/var/lib/sigbox/pglite');
    expect(text).toContain('production uses PostgreSQL via --database-url');
    expect(text).toContain('/var/lib/sigbox/trusted_root.json');
    expect(text).toContain('http://127.0.0.1:8080/trusted_root.json');
    expect(text).not.toContain('dev mode');
  });

  it('hides the database password and flags dev mode', () => {
    const text = formatBanner({ ...config, dev: true, databaseUrl: 'postgres://sigbox:hunter2@db:5432/sigbox' }, server);
    expect(text).toContain('PostgreSQL postgres://sigbox:***@db:5432/sigbox');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('dev mode');
  });

  it('ends with the development issuer warning and any start-up warnings, each on its own line', () => {
    const text = formatBanner({ ...config, dev: true }, { ...server, devIssuerUrl: 'http://127.0.0.1:8080/oidc', warnings: ['WARNING: something'] });
    expect(text.endsWith('WARNING: development OIDC issuer enabled at http://127.0.0.1:8080/oidc\nWARNING: something\n')).toBe(true);
  });
});
