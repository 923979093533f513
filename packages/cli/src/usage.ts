import { CA_USAGE } from './ca-config.js';
import { INIT_USAGE } from './init-config.js';
import { ROTATE_USAGE } from './rotate-config.js';
import { TUF_USAGE } from './tuf-config.js';
import { VERIFY_USAGE } from './verify-config.js';
import { POLICY_USAGE } from './policy-config.js';
import { EXPORT_USAGE } from './export-config.js';
import { MONITOR_USAGE } from './monitor-config.js';
import { DEFAULT_DATABASE_WAIT_MS, DEFAULT_DB_TIMEOUTS, DEFAULT_ENTRY_CACHE_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT_MS } from '@sigbox/server';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT } from './config.js';
import { DEV_OVERRIDE_FLAG } from './dev-guard.js';

export const USAGE = `Usage: sigbox up|init|rotate|ca|tuf|verify|policy|export|monitor [flags]

Commands:
  up                     run the whole box (CA, logs and trust files as they are added) in one process
  init                   the key ceremony: every key of a new box, in files or an HSM (below)
  rotate ca|log|ct       the next key of a role; running boxes switch to it, history kept (below)
  ca init|csr|import     the CA key ceremony (below)
  tuf status|sign-root|publish
                         the TUF repository: its state, root rotation, the offline targets step (below)
  verify                 prove the database: rebuild every log tree and check its tiles, checkpoints
                         and signatures (below); run it on every restored backup
  policy lint|explain    check an accepted-identities policy file; say which rule accepts a bundle or an
                         image's signatures, or why none does (below)
  export <target>        the accepted-identities policy as Kyverno, policy-controller, Flux or cosign
                         configuration (below)
  monitor                follow a transparency log, verify it, alert on forks and watched identities (below)

Flags:
  --port N               port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host HOST            address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 to accept remote clients)
  --data DIR             data folder, created with mode 0700 (default ${DEFAULT_DATA_DIR})
  --database-url URL     PostgreSQL URL (or env DATABASE_URL); without it an embedded PGlite database
                         lives in the data folder, meant for trying Sigbox and small set-ups
  --database-timeout S   seconds a database statement or connection may take before the request is
                         answered 503 with Retry-After (default ${DEFAULT_DB_TIMEOUTS.statementMs / 1000}; needs --database-url)
  --database-wait S      seconds start-up keeps retrying a database that does not answer yet
                         (default ${DEFAULT_DATABASE_WAIT_MS / 1000}; 0 = one try; needs --database-url)
  --public-url URL       base URL clients reach this server at (default http://HOST:PORT, or https://
                         with --tls-cert); its hostname names the logs
  --dev                  development mode: a development CA and an OIDC issuer that mints a token for any
                         identity. Loopback only: refused with a non-loopback --host or --public-url,
                         --keys or --fulcio-config, unless ${DEV_OVERRIDE_FLAG} is also given
  ${DEV_OVERRIDE_FLAG}
                         run --dev anyway in such a start (warned about in the log); never in production
  --fulcio-config FILE   Fulcio-format OIDC issuer configuration (re-read on change and on SIGHUP)
  --issuance-policy FILE accepted-identities policy (sigbox policy format): a certificate is refused (403,
                         the reason in the body) to any identity no rule accepts, and a rule's rateLimit
                         caps certificates per subject (429 + Retry-After). Re-read on change and on
                         SIGHUP; a bad new file is refused and the old one kept
  --signing-log v2|v1    which log new signatures go to, as the signing config says (default v2: it lists
                         the Rekor v2 log, the v1 log and the TSA; cosign v3, sigstore-go and
                         sigstore-python then pick v2 with a timestamp). v1 leaves the v2 log out of the
                         signing config, for fleets whose verifiers predate Rekor v2. Both logs take
                         entries and are in trusted_root.json either way
  --monitor-policy FILE  follow this box's Rekor v2 log with an accepted-identities policy's watch rules
                         (as sigbox monitor --policy), alerts as warn lines in the log; state in the data
                         folder or the database
  --witness-policy FILE  witnesses the Rekor v2 log sends each checkpoint to, with their quorum (the
                         rekor-tiles --witness-policy-path format: witness/group/quorum lines)
  --keys DIR             the keyring made by "sigbox init": every key the box signs with, encrypted
                         files or an HSM. Required unless --dev (which makes a development keyring,
                         keys in clear, in DATA/keys). Processes sharing one database share it.
  --passphrase-file FILE the key files' passphrase (first line), or env SIGBOX_KEY_PASSPHRASE
  --pin-file FILE        the HSM token's user PIN (first line), or env SIGBOX_HSM_PIN
  --tuf-timestamp-expiry S
                         seconds each TUF timestamp is signed for (default 7 days; re-signed with 6/7 left)
  --tls-cert FILE        serve HTTPS: the server certificate chain, PEM, leaf first (with --tls-key)
  --tls-key FILE         the certificate's private key, PEM (with --tls-cert); without both: plain HTTP,
                         for a TLS-terminating reverse proxy or a loopback set-up
  --no-ct-log            run without the CT log: certificates carry no SCT and trusted_root.json lists
                         no ctlog, so clients must skip SCT checks (cosign --insecure-ignore-sct); as
                         Fulcio without --ct-log-url
  --request-timeout S    seconds a request's body has to arrive once its headers are in (default
                         ${DEFAULT_REQUEST_TIMEOUT_MS / 1000}); past them: 408 and the connection closed. Headers: 20 s at most
  --max-connections N    connections served at once, per process (default ${DEFAULT_MAX_CONNECTIONS}, ≈ 18 KiB of memory each
                         when idle); as many again are answered 503 with Retry-After and closed,
                         past that they are closed unanswered. Log writes (Rekor and CT) are admitted apart:
                         1,024 at once, the next wait their turn before their body is read, and one whose
                         turn would come after 2 s is answered 503 with Retry-After at once
  --entry-cache-mib N    memory for Rekor entries kept for reads, MiB (default ${DEFAULT_ENTRY_CACHE_BYTES / 1024 / 1024}); more makes
                         random reads of a large log cheaper, 0 reads every entry from the database
  --workers N            serve with N processes sharing the port and the database (default 1; needs
                         --database-url). One process uses about one core: give the number of cores
  -h, --help             show this help

${INIT_USAGE}
${ROTATE_USAGE}
${TUF_USAGE}
${CA_USAGE}
${VERIFY_USAGE}
${POLICY_USAGE}
${EXPORT_USAGE}
${MONITOR_USAGE}`;
