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

/** The trust files besides the trusted root, by file name. */
function otherTrustFiles(server: RunningServer): string[] {
  return Object.values(server.trustFiles)
    .filter((file) => file !== server.trustedRootFile)
    .map((file) => path.basename(file));
}

/**
 * What an operator needs after `sigbox up`: where it listens, where its state and trust material are, then
 * commands that sign and verify against it.
 */
export function formatBanner(config: ServerConfig, server: RunningServer): string {
  const lines = [
    `sigbox listening on ${server.url}`,
    `  public URL     ${server.publicUrl}`,
    `  explorer       ${server.publicUrl}/ (search the logs, verify entries in the browser)`,
    `  data folder    ${config.dataDir}`,
    `  database       ${describeDatabase(config)}`,
    `  trusted root   ${server.trustedRootFile}`,
    `                 served at ${server.publicUrl}${TRUSTED_ROOT_ALIAS}`,
    `  trust files    ${otherTrustFiles(server).join(' ')}`,
    `                 beside it, each also served at ${server.publicUrl}/<name>`,
    `  TUF mirror     ${server.tuf.mirror}`,
    `                 clients take its root once: cosign initialize --mirror ${server.tuf.mirror} --root ${server.tuf.rootFile}`,
  ];
  if (config.dev) lines.push('  dev mode       on: not for production');
  if (server.devIssuerUrl !== undefined) lines.push(`WARNING: development OIDC issuer enabled at ${server.devIssuerUrl}`);
  lines.push(...server.warnings);
  return `${lines.join('\n')}\n\n${formatClientCommands(server).join('\n')}\n`;
}

/** The identity the example commands sign as; the development issuer mints a token for any email. */
const EXAMPLE_EMAIL = 'you@example.com';
const ARTIFACT = 'artifact';
/** cosign v3 writes a protobuf bundle (v0.3); cosign v2's legacy path writes its own bundle format. */
const V3_BUNDLE = 'artifact.sigstore.json';
const V2_BUNDLE = 'artifact.bundle';
const CONTINUE = ' \\\n      ';

/** A shell word: as is when it has no special characters, else single-quoted (POSIX sh). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Ready-to-paste commands that sign and verify a blob against this box: cosign v3 with the signing config and
 * trusted root; cosign v2's default legacy path with URL flags and the per-key files (SIGSTORE_* variables make it
 * skip TUF). With --dev, how to get a token from the development issuer, using only curl and sed; otherwise TOKEN,
 * IDENTITY and ISSUER are for the operator to fill in.
 */
export function formatClientCommands(server: RunningServer): string[] {
  const files = Object.fromEntries(Object.entries(server.trustFiles).map(([role, file]) => [role, shellWord(file)])) as RunningServer['trustFiles'];
  const url = shellWord(server.publicUrl);
  const dev = server.devIssuerUrl;
  const identity = dev === undefined ? '"$IDENTITY"' : EXAMPLE_EMAIL;
  const issuer = dev === undefined ? '"$ISSUER"' : shellWord(dev);
  const expect = `--certificate-identity ${identity} --certificate-oidc-issuer ${issuer}`;
  const ctKeyEnv = files.ctKey === undefined ? '' : ` SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=${files.ctKey}`;
  const legacyEnv = `SIGSTORE_ROOT_FILE=${files.caChain} SIGSTORE_REKOR_PUBLIC_KEY=${files.rekorKey}${ctKeyEnv}`;
  const token =
    dev === undefined
      ? ['  # TOKEN: an ID token (audience sigstore) from an issuer the CA trusts (--fulcio-config);', '  # IDENTITY and ISSUER: its email or subject, and its issuer URL']
      : [
          '  # a token from the development issuer, for any email:',
          `  TOKEN=$(curl -s -X POST ${shellWord(`${dev}/token`)} -H 'content-type: application/json' -d '{"email":"${EXAMPLE_EMAIL}"}' | sed -E 's/.*"id_token":"([^"]+)".*/\\1/')`,
        ];
  return [
    '# Sign and verify a blob against this box (the lines below paste into a shell):',
    ...token,
    '  # cosign v3: the signing config sends it to the Rekor v2 log with a TSA timestamp (v1 with --signing-log v1)',
    `  cosign sign-blob --signing-config ${files.signingConfig} --trusted-root ${files.trustedRoot}${CONTINUE}--identity-token "$TOKEN" --bundle ${V3_BUNDLE} -y ${ARTIFACT}`,
    `  cosign verify-blob --trusted-root ${files.trustedRoot} --bundle ${V3_BUNDLE}${CONTINUE}${expect} ${ARTIFACT}`,
    '  # cosign v2: the Rekor v1 log (legacy flags and per-key files)',
    `  ${legacyEnv}${CONTINUE}cosign sign-blob --fulcio-url ${url} --rekor-url ${url}${CONTINUE}--identity-token "$TOKEN" --bundle ${V2_BUNDLE} -y ${ARTIFACT}`,
    `  ${legacyEnv}${CONTINUE}cosign verify-blob --rekor-url ${url} --bundle ${V2_BUNDLE}${CONTINUE}${expect} ${ARTIFACT}`,
  ];
}
