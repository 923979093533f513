import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * OpenSSL as an independent third party: what it accepts and prints about our certificates is evidence our own
 * parser cannot give. Callers check `toolAvailable('openssl', why)` first.
 */

/** `openssl <args>` with `input` on stdin; returns stdout, throws with stderr on failure. */
export function openssl(args: readonly string[], input?: Uint8Array | string): string {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export interface TlsCertificateOptions {
  /** The files are `<name>.crt` and `<name>.key`; default `tls`. */
  name?: string;
  /** The subject's CN; default 127.0.0.1. The subjectAltName is always IP:127.0.0.1. */
  commonName?: string;
}

/** A one-day self-signed P-256 TLS certificate for 127.0.0.1, written into `dir`; returns the two files' paths. */
export function createTlsCertificate(dir: string, options: TlsCertificateOptions = {}): { cert: string; key: string } {
  const { name = 'tls', commonName = '127.0.0.1' } = options;
  const [cert, key] = [path.join(dir, `${name}.crt`), path.join(dir, `${name}.key`)];
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  return { cert, key };
}
