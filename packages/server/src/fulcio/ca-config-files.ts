import { type IssuerConfig, loadIssuerConfig } from '@sigbox/oidc';
import { type Policy, PolicyError, parsePolicy } from '@sigbox/policy';
import type { Logger } from 'pino';
import { StartError } from '../error.js';
import type { FileWatchOptions } from '../reload/file-watch.js';
import type { ReloadMetrics } from '../reload/reload-metrics.js';
import { type ReloadableFile, openReloadableFile } from '../reload/reloadable-file.js';

/** The metric label (`sigbox_config_reload_total{file}`) and log name of each file. */
export const FULCIO_CONFIG = 'fulcio-config';
export const ISSUANCE_POLICY = 'issuance-policy';

export interface ConfigFileDeps {
  readonly logger: Logger;
  readonly metrics: ReloadMetrics;
  readonly watch?: FileWatchOptions | undefined;
}

/** Opens a reloadable file at start: a bad one is a StartError naming file:line:column when the parser knows it. */
async function openAtStart<T>(file: string, what: string, open: () => Promise<ReloadableFile<T>>): Promise<ReloadableFile<T>> {
  try {
    return await open();
  } catch (cause) {
    const at = cause instanceof PolicyError ? `${file}:${cause.line}:${cause.column}` : file;
    throw new StartError('CONFIG_UNUSABLE', `cannot load the ${what} ${at}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const issuerUrls = (config: IssuerConfig) => new Set([...config.oidcIssuers.keys(), ...config.metaIssuers.keys()]);

/** `--fulcio-config`, reloaded; `use` builds and swaps in what the CA issues with (it may throw: then refused). */
export function openIssuerConfigFile(file: string, deps: ConfigFileDeps, use: (config: IssuerConfig) => void): Promise<ReloadableFile<IssuerConfig>> {
  return openAtStart(file, 'Fulcio issuer configuration', () =>
    openReloadableFile<IssuerConfig>({
      role: FULCIO_CONFIG, file, logger: deps.logger, metrics: deps.metrics, ...(deps.watch ? { watch: deps.watch } : {}),
      parse: (text) => loadIssuerConfig(text),
      apply: (next, previous) => {
        use(next);
        const [before, after] = [issuerUrls(previous), issuerUrls(next)];
        return { issuers: after.size, added: [...after].filter((u) => !before.has(u)), removed: [...before].filter((u) => !after.has(u)) };
      },
    }),
  );
}

/** `--issuance-policy`, reloaded; a refused file is logged at file:line:column. */
export function openIssuancePolicyFile(file: string, deps: ConfigFileDeps, use: (policy: Policy) => void): Promise<ReloadableFile<Policy>> {
  return openAtStart(file, 'issuance policy', () =>
    openReloadableFile<Policy>({
      role: ISSUANCE_POLICY, file, logger: deps.logger, metrics: deps.metrics, ...(deps.watch ? { watch: deps.watch } : {}),
      parse: parsePolicy,
      locate: (error) => (error instanceof PolicyError ? { line: error.line, column: error.column } : undefined),
      apply: (next, previous) => {
        use(next);
        return { rules: next.rules.length, previousRules: previous.rules.length, rateLimitedRules: next.rules.filter((r) => r.rateLimit).length };
      },
    }),
  );
}
