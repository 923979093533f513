import { readFile } from 'node:fs/promises';
import { type LoadedCa, type SctIssuer, createCaService } from '@sigbox/ca';
import { type IssuerRegistry, type IssuerRegistryOptions, createIssuerRegistry, loadIssuerConfig, parseIssuerConfig } from '@sigbox/oidc';
import type { Logger } from 'pino';
import { StartError } from '../error.js';
import type { Api } from '../pipeline/api.js';
import { swappable } from '../trust/swappable.js';
import { createFulcioApi } from './fulcio-api.js';

/** What the CA serves with its keys. */
export interface CaSetupOptions {
  /** Fulcio-format issuer configuration file (JSON or YAML). */
  fulcioConfig: string | undefined;
  logger: Logger;
  /** Logs each precertificate and returns its SCT (the CT log); without it certificates carry no SCT. */
  sctIssuer?: SctIssuer;
}

export interface CaSetup {
  readonly api: Api;
  readonly issuers: IssuerRegistry;
  /** Issues from now on with another CA (a rotation), through the same API and issuers. */
  switchTo(ca: LoadedCa, sctIssuer: SctIssuer | undefined): void;
  /** Rotated-out CAs: each chain stays in the trust bundle until `until`, when its last certificate has expired. */
  setRetiredChains(chains: ReadonlyArray<{ readonly chainDer: readonly Uint8Array[]; readonly until: Date | null }>): void;
}

async function openIssuers(file: string | undefined, logger: Logger): Promise<IssuerRegistry> {
  // A failed JWKS fetch does not fail tokens while cached keys match (the keys in use stay in use): logged here.
  const options: IssuerRegistryOptions = {
    onJwksRefreshFailed: (issuerUrl, { error, failures, retryAt, keysFetchedAt }) =>
      logger.warn({ issuerUrl, reason: error.detail, failures, retryAt, keysFetchedAt }, 'JWKS fetch failed'),
  };
  if (file === undefined) return createIssuerRegistry(parseIssuerConfig({}), options);
  try {
    return createIssuerRegistry(loadIssuerConfig(await readFile(file, 'utf8')), options);
  } catch (cause) {
    throw new StartError('CONFIG_UNUSABLE', `cannot load the Fulcio issuer configuration ${file}: ${String(cause)}`, { cause });
  }
}

/**
 * The CA service over its keys: the OIDC issuers it trusts (--fulcio-config; --dev adds its own issuer once the
 * URL is known) and the CT log its certificates go through.
 */
export async function openCa(ca: LoadedCa, options: CaSetupOptions): Promise<CaSetup> {
  const issuers = await openIssuers(options.fulcioConfig, options.logger);
  const serviceOf = (keys: LoadedCa, sctIssuer: SctIssuer | undefined) =>
    createCaService({
      issuers,
      signer: keys.signer,
      chainDer: keys.chainDer,
      ...(sctIssuer ? { sctIssuer } : {}),
      onRejected: (error) => options.logger.info({ code: error.code, reason: error.details?.reason, cause: String(error.cause ?? '') }, 'signing certificate refused'),
    });
  const service = swappable(serviceOf(ca, options.sctIssuer));
  let retired: ReadonlyArray<{ readonly chainDer: readonly Uint8Array[]; readonly until: Date | null }> = [];
  const stillValid = () => retired.filter((r) => r.until === null || r.until.getTime() > Date.now()).map((r) => r.chainDer);
  return {
    api: createFulcioApi(service.proxy, { retiredChains: stillValid }),
    issuers,
    switchTo: (next, sctIssuer) => service.set(serviceOf(next, sctIssuer)),
    setRetiredChains: (chains) => void (retired = chains),
  };
}
