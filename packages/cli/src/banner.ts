import path from 'node:path';
import { TRUSTED_ROOT_ALIAS, type RunningServer, type ServerConfig } from '@sigbox/server';

/** The database, described without its password. */
function describeDatabase(config: ServerConfig): string {
  if (config.databaseUrl === undefined) {
    return (
      `embedded PGlite in ${path.join(config.dataDir, 'pglite')}\n` +
      '                 for trying Sigbox and small set-ups; production uses PostgreSQL via --database-url'
    );
  }
  const url = new URL(config.databaseUrl);
  if (url.password !== '') url.password = '***';
  return `PostgreSQL ${url.href}`;
}

/** What an operator needs after `sigbox up`: where it listens, where its state and trust material are. */
export function formatBanner(config: ServerConfig, server: RunningServer): string {
  const lines = [
    `sigbox listening on ${server.url}`,
    `  public URL     ${server.publicUrl}`,
    `  data folder    ${config.dataDir}`,
    `  database       ${describeDatabase(config)}`,
    `  trusted root   ${server.trustedRootFile}`,
    `                 served at ${server.publicUrl}${TRUSTED_ROOT_ALIAS}`,
  ];
  if (config.dev) lines.push('  dev mode       on: not for production');
  if (server.devIssuerUrl !== undefined) lines.push(`WARNING: development OIDC issuer enabled at ${server.devIssuerUrl}`);
  lines.push(...server.warnings);
  return `${lines.join('\n')}\n`;
}
