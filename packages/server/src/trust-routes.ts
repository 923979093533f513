import type { sigbox } from '@sigbox/api';
import type { RequestHandler, Router } from 'express';
import type { TrustFile, TrustFileName } from './trust-files.js';

export type TrustedRootDocument = sigbox.components['schemas']['TrustedRoot'];

/**
 * Where the trust files are served. There is no upstream path for them (clients take a file or a TUF mirror), so
 * Sigbox uses its own versioned namespace, which no upstream API claims, plus short root aliases for `curl -O`.
 */
export const TRUST_FILES_PREFIX = '/sigbox/v1';
export const TRUSTED_ROOT_PATH = `${TRUST_FILES_PREFIX}/trusted_root.json`;
export const TRUSTED_ROOT_ALIAS = '/trusted_root.json';

type OperationId = keyof sigbox.operations;

/**
 * Each file's two operations in openapi/sigbox.yaml (namespaced, alias). Typed against the generated operations,
 * so a file that is added here but not documented there, or renamed in one place only, does not compile.
 */
const DOCUMENTED = {
  'trusted_root.json': ['getTrustedRoot', 'getTrustedRootShort'],
  'signing_config.v0.2.json': ['getSigningConfig', 'getSigningConfigShort'],
  'trust_config.json': ['getClientTrustConfig', 'getClientTrustConfigShort'],
  'fulcio_v1.crt.pem': ['getCaChainPem', 'getCaChainPemShort'],
  'rekor.pub': ['getRekorPublicKeyPem', 'getRekorPublicKeyPemShort'],
  'ctfe.pub': ['getCtPublicKeyPem', 'getCtPublicKeyPemShort'],
} as const satisfies Record<TrustFileName, readonly [OperationId, OperationId]>;

/** The paths one file is served at: the namespaced one first, then the alias. */
export function trustFileRoutes(name: TrustFileName): [string, string] {
  return [`${TRUST_FILES_PREFIX}/${name}`, `/${name}`];
}

/**
 * Serves each trust file as the exact text written to the data folder (so a client may fetch or read it, and a
 * hash of either matches). The getter lets a key rotation publish new files without restarting; `no-cache`
 * makes caches revalidate (Express's ETag keeps that cheap) instead of serving a superseded root.
 */
export function mountTrustFiles(router: Router, files: () => readonly TrustFile[]): void {
  for (const name of Object.keys(DOCUMENTED) as TrustFileName[]) {
    const handler: RequestHandler = (_req, res, next) => {
      const file = files().find((f) => f.name === name);
      if (file === undefined) return next();
      res.set('Cache-Control', 'no-cache').type(file.contentType).send(file.body);
    };
    for (const routePath of trustFileRoutes(name)) router.get(routePath, handler);
  }
}
