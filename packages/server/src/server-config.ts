import type { DbTimeouts } from '@sigbox/db';
import type { KeySecrets } from '@sigbox/keyring';
import type { OnlinePolicy } from '@sigbox/tuf';

/** Everything `sigbox up` decided; built and frozen by the cli's loadConfig. */
export interface ServerConfig {
  readonly host: string;
  /** 0 = any free port (tests). */
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL URL; undefined = embedded PGlite in `<dataDir>/pglite`. */
  readonly databaseUrl: string | undefined;
  /** Base URL clients use; undefined = the listening URL. */
  readonly publicUrl: string | undefined;
  readonly dev: boolean;
  /**
   * What made this `--dev` start production-shaped (`--host 0.0.0.0`, `--ca-dir`…), allowed by the cli's loud
   * override; warned about at start. Undefined for a loopback development start.
   */
  readonly devProductionShape?: readonly string[] | undefined;
  /** Fulcio-format issuer config file (read by the CA once it is mounted; reloaded on change and SIGHUP). */
  readonly fulcioConfig: string | undefined;
  /**
   * `--issuance-policy`: an accepted-identities policy (@sigbox/policy) every certificate's identity must satisfy,
   * with per-rule rate limits; reloaded on change and SIGHUP like the issuer file (fulcio/open-ca.ts).
   */
  readonly issuancePolicy?: string | undefined;
  /**
   * Witness policy file (`--witness-policy`; rekor-tiles `--witness-policy-path` format, see @sigbox/witness): the
   * witnesses the v2 log sends each new checkpoint to. Read by loadWitnessPolicy (witness/) where the log is mounted.
   */
  readonly witnessPolicy?: string | undefined;
  /** `--signing-log`: the Rekor generation the signing config sends new signatures to (default v2; box-trust-files.ts). */
  readonly signingLog?: 'v1' | 'v2' | undefined;
  /**
   * The keyring made by `sigbox init` (every key the box signs with, encrypted or in an HSM). Undefined only
   * with `--dev`: a development keyring is made in `<dataDir>/keys`, every key in clear.
   */
  readonly keysDir?: string | undefined;
  /** What unlocks the keyring: the key files' passphrase, the token's PIN. */
  readonly keySecrets?: KeySecrets;
  /** Lifetimes and refresh windows of the TUF snapshot and timestamp; default @sigbox/tuf DEFAULT_ONLINE_POLICY. */
  readonly tufPolicy?: OnlinePolicy;
  /** How often the online TUF roles are checked; default DEFAULT_TUF_REFRESH_MS (tuf-service.ts). */
  readonly tufRefreshMs?: number;
  /** How often the trust history is checked for a rotation; default DEFAULT_TRUST_POLL_MS (start-server.ts). */
  readonly trustPollMs?: number;
  /** PEM certificate chain and key: serve HTTPS directly (both or neither; the cli checks). */
  readonly tlsCertFile?: string | undefined;
  readonly tlsKeyFile?: string | undefined;
  /**
   * false = no CT log: certificates carry no SCT (the v2 API answers the detached form with an empty SCT, as
   * Fulcio does without `--ct-log-url`), trusted_root.json lists no ctlog, and clients must skip SCT checks.
   */
  readonly ctLog?: boolean;
  readonly bodyLimit?: number;
  readonly shutdownTimeoutMs?: number;
  /** How long to wait on PostgreSQL before answering 503 (the cli's --database-timeout); see @sigbox/db DEFAULT_DB_TIMEOUTS. */
  readonly databaseTimeouts?: Partial<DbTimeouts>;
  /** How long start-up keeps retrying a PostgreSQL that does not answer; default DEFAULT_DATABASE_WAIT_MS (start-server.ts), 0 = one try. */
  readonly databaseWaitMs?: number;
  /** The time a request's body has once its headers are in; default DEFAULT_REQUEST_TIMEOUT_MS (listen.ts). */
  readonly requestTimeoutMs?: number;
  /** Connections open at once; default DEFAULT_MAX_CONNECTIONS (listen.ts). */
  readonly maxConnections?: number;
  /** Memory for Rekor entries kept for reads, bytes; default DEFAULT_ENTRY_CACHE_BYTES (@sigbox/rekor). */
  readonly entryCacheBytes?: number;
}

