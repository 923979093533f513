import { BlockList, isIPv6 } from 'node:net';
import { ConfigError } from './error.js';

/**
 * The flag that lets `--dev` run in a production-shaped start. Long and alarming on purpose: with it, the
 * development issuer's token endpoint mints a token for any identity to whoever reaches it, and the CA certifies
 * that identity.
 */
export const DEV_OVERRIDE_OPTION = 'unsafe-dev-in-production';
export const DEV_OVERRIDE_FLAG = `--${DEV_OVERRIDE_OPTION}`;

/** 127.0.0.0/8 and ::1 (RFC 6890), IPv4-mapped forms included (BlockList checks those against the IPv4 rules). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a listening host or URL hostname names this machine only: a loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  return LOOPBACK.check(bare, isIPv6(bare) ? 'ipv6' : 'ipv4');
}

export interface DevShape {
  readonly host: string;
  readonly publicUrl: string | undefined;
  readonly keysDir?: string | undefined;
  readonly fulcioConfig: string | undefined;
}

/**
 * What makes a `--dev` start production-shaped: a host other clients can reach, a public URL naming another
 * machine, real keys (`--keys`) or real issuers (`--fulcio-config`) beside the development issuer. Empty for a
 * loopback development set-up.
 */
export function productionShape(config: DevShape): string[] {
  const reasons: string[] = [];
  if (!isLoopbackHost(config.host)) reasons.push(`--host ${config.host}`);
  if (config.publicUrl !== undefined && !isLoopbackHost(new URL(config.publicUrl).hostname)) reasons.push(`--public-url ${config.publicUrl}`);
  if (config.keysDir !== undefined) reasons.push('--keys');
  if (config.fulcioConfig !== undefined) reasons.push('--fulcio-config');
  return reasons;
}

/**
 * The reasons a `--dev` start is production-shaped, when {@link DEV_OVERRIDE_FLAG} allows it (they are logged as a
 * warning at start); undefined for a loopback development start. Refuses such a start without the override.
 */
export function checkDevShape(config: DevShape, overridden: boolean): readonly string[] | undefined {
  const reasons = productionShape(config);
  if (reasons.length === 0) return undefined;
  if (!overridden) {
    throw new ConfigError(
      'UNSAFE_DEV',
      `--dev with ${reasons.join(', ')} would let anyone who reaches the development issuer get a certificate for any identity; ` +
        `run --dev on loopback only, or add ${DEV_OVERRIDE_FLAG} to run it anyway`,
    );
  }
  return Object.freeze(reasons);
}
