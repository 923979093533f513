import type { SigboxHandler } from '@sigbox/api';
import type { sigbox } from '@sigbox/api';
import type { Router } from 'express';

export type TrustedRootDocument = sigbox.components['schemas']['TrustedRoot'];

/**
 * Where the trusted root is served. There is no upstream path for it (clients take a file or a TUF mirror), so
 * Sigbox uses its own versioned namespace, which no upstream API claims, plus a short alias for `curl -O`.
 */
export const TRUSTED_ROOT_PATH = '/sigbox/v1/trusted_root.json';
export const TRUSTED_ROOT_ALIAS = '/trusted_root.json';

/** Serves the current trusted root; the getter lets a key rotation publish a new one without restarting. */
export function mountTrustedRoot(router: Router, trustedRoot: () => TrustedRootDocument): void {
  const handler: SigboxHandler<'getTrustedRoot'> = (_req, res) => {
    res.json(trustedRoot());
  };
  router.get(TRUSTED_ROOT_PATH, handler);
  router.get(TRUSTED_ROOT_ALIAS, handler);
}
