import { type IssuanceGate, type LoadedCa, type RateLimiter, type SctIssuer, createCaService, createPolicyGate } from '@sigbox/ca';
import { type AddIssuerInput, type IssuerConfig, type IssuerRegistry, type IssuerRegistryOptions, createIssuerRegistry, parseIssuerConfig } from '@sigbox/oidc';
import type { Policy } from '@sigbox/policy';
import type { Logger } from 'pino';
import type { Api } from '../pipeline/api.js';
import type { FileWatchOptions } from '../reload/file-watch.js';
import type { ReloadMetrics } from '../reload/reload-metrics.js';
import type { ReloadableFile } from '../reload/reloadable-file.js';
import { ISSUANCE_POLICY, openIssuancePolicyFile, openIssuerConfigFile } from './ca-config-files.js';
import { swappable } from '../trust/swappable.js';
import { createFulcioApi } from './fulcio-api.js';
import { logRefusal } from './refusal-log.js';

/** What the CA serves with its keys. */
export interface CaSetupOptions {
  /** Fulcio-format issuer configuration file (JSON or YAML); reloaded on change and by `reload()`. */
  fulcioConfig: string | undefined;
  /** Accepted-identities policy (@sigbox/policy) every certificate must satisfy; reloaded like the issuer file. */
  issuancePolicy?: string | undefined;
  /** Where rules' `rateLimit` slots are counted (shared by every process on the database). */
  rateLimiter?: RateLimiter;
  reloadMetrics: ReloadMetrics;
  logger: Logger;
  /** Logs each precertificate and returns its SCT (the CT log); without it certificates carry no SCT. */
  sctIssuer?: SctIssuer;
  /** Tests shorten the watch's debounce and poll. */
  watch?: FileWatchOptions;
}

export interface CaSetup {
  readonly api: Api;
  /** The issuers in force now; `addIssuer` (the --dev issuer) is kept across reloads of the issuer file. */
  readonly issuers: IssuerRegistry;
  /** Issues from now on with another CA (a rotation), through the same API and issuers. */
  switchTo(ca: LoadedCa, sctIssuer: SctIssuer | undefined): void;
  /** Rotated-out CAs: each chain stays in the trust bundle until `until`, when its last certificate has expired. */
  setRetiredChains(chains: ReadonlyArray<{ readonly chainDer: readonly Uint8Array[]; readonly until: Date | null }>): void;
  /** Re-reads the issuer file and the issuance policy (SIGHUP); a bad file is refused and the old one kept. */
  reload(): Promise<void>;
  close(): void;
}

/**
 * The CA service over its keys, its OIDC issuers (--fulcio-config; --dev adds its own once the URL is known) and its
 * issuance policy. Every change (a rotation, a reloaded file) builds a new immutable CA service and swaps it in:
 * a request holds the service it started on to its end, so a reload drops nothing and no request mixes two policies.
 */
export async function openCa(ca: LoadedCa, options: CaSetupOptions): Promise<CaSetup> {
  const { logger } = options;
  // A failed JWKS fetch does not fail tokens while cached keys match (the keys in use stay in use): logged here.
  const registryOptions: IssuerRegistryOptions = {
    onJwksRefreshFailed: (issuerUrl, { error, failures, retryAt, keysFetchedAt }) =>
      logger.warn({ issuerUrl, reason: error.detail, failures, retryAt, keysFetchedAt }, 'JWKS fetch failed'),
  };
  const added: AddIssuerInput[] = [];
  const registryOf = (config: IssuerConfig) => {
    const registry = createIssuerRegistry(config, registryOptions);
    for (const input of added) registry.addIssuer(input);
    return registry;
  };
  interface Parts { keys: LoadedCa; sctIssuer: SctIssuer | undefined; registry: IssuerRegistry; gate: IssuanceGate | undefined }
  let state: Parts = {
    keys: ca,
    sctIssuer: options.sctIssuer,
    registry: registryOf(parseIssuerConfig({})),
    gate: undefined,
  };
  const serviceOf = (parts: Parts) =>
    createCaService({
      issuers: parts.registry,
      signer: parts.keys.signer,
      chainDer: parts.keys.chainDer,
      ...(parts.sctIssuer ? { sctIssuer: parts.sctIssuer } : {}),
      ...(parts.gate ? { gate: parts.gate } : {}),
      onRejected: (error) => logRefusal(logger, error),
    });
  /** Builds the service of the parts changed, then swaps both in; a throw while building changes nothing. */
  const change = (changed: Partial<Parts>) => {
    const next = { ...state, ...changed };
    const nextService = serviceOf(next);
    state = next;
    service.set(nextService);
  };
  const gateOf = (policy: Policy) => createPolicyGate({ policy, ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}) });

  const files: Array<ReloadableFile<unknown>> = [];
  const service = swappable(serviceOf(state));
  const deps = { logger, metrics: options.reloadMetrics, watch: options.watch };
  try {
    if (options.fulcioConfig !== undefined) {
      const issuerFile = await openIssuerConfigFile(options.fulcioConfig, deps, (config) => change({ registry: registryOf(config) }));
      files.push(issuerFile);
      change({ registry: registryOf(issuerFile.current()) });
    }
    if (options.issuancePolicy !== undefined) {
      const policyFile = await openIssuancePolicyFile(options.issuancePolicy, deps, (policy) => change({ gate: gateOf(policy) }));
      files.push(policyFile);
      change({ gate: gateOf(policyFile.current()) });
      logger.info({ file: ISSUANCE_POLICY, path: options.issuancePolicy, rules: policyFile.current().rules.length }, 'issuance policy in force');
    }
  } catch (err) {
    for (const f of files) f.close();
    throw err;
  }

  let retired: ReadonlyArray<{ readonly chainDer: readonly Uint8Array[]; readonly until: Date | null }> = [];
  const stillValid = () => retired.filter((r) => r.until === null || r.until.getTime() > Date.now()).map((r) => r.chainDer);
  const issuers: IssuerRegistry = {
    match: (url) => state.registry.match(url),
    verifierFor: (issuer) => state.registry.verifierFor(issuer),
    addIssuer: (input) => {
      added.push(input);
      state.registry.addIssuer(input);
    },
    describe: () => state.registry.describe(),
    warmUp: () => state.registry.warmUp(),
  };
  return {
    api: createFulcioApi(service.proxy, { retiredChains: stillValid }),
    issuers,
    switchTo: (keys, sctIssuer) => change({ keys, sctIssuer }),
    setRetiredChains: (chains) => void (retired = chains),
    reload: async () => {
      for (const f of files) await f.reload(true);
    },
    close: () => {
      for (const f of files) f.close();
    },
  };
}
