import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type LoadedCa, type SctIssuer, createCaService, ensureDevCa, loadCa } from '@sigbox/ca';
import { type IssuerRegistry, type IssuerRegistryOptions, createIssuerRegistry, loadIssuerConfig, parseIssuerConfig } from '@sigbox/oidc';
import { type CertificateAuthority, certificateAuthority } from '@sigbox/trust';
import type { Logger } from 'pino';
import { StartError } from '../error.js';
import type { Api } from '../pipeline/api.js';
import { createFulcioApi } from './fulcio-api.js';

/** The development CA's folder inside the data folder, used when no --ca-dir is given. */
export const DEV_CA_DIR = 'ca';

/** Where the CA's keys come from. */
export interface CaKeyOptions {
  dataDir: string;
  /** A CA made by `sigbox ca init` (file keys or an HSM); undefined = a development CA in `<data>/ca`. */
  caDir: string | undefined;
  caPassphrase: string | undefined;
  hsmPin: string | undefined;
}

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
  /** The certificateAuthorities entry of trusted_root.json for clients reaching the CA at `publicUrl`. */
  trustEntry(publicUrl: string): CertificateAuthority;
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

/** The CA's issuing key and chain: from --ca-dir, or a development CA created once in the data folder. */
export async function openCaKeys(options: CaKeyOptions): Promise<LoadedCa> {
  try {
    if (options.caDir !== undefined) return await loadCa({ dir: options.caDir, passphrase: options.caPassphrase, pin: options.hsmPin });
    return await ensureDevCa({ dir: path.join(options.dataDir, DEV_CA_DIR) });
  } catch (cause) {
    throw new StartError('KEY_UNUSABLE', `cannot load the CA: ${String(cause)}`, { cause });
  }
}

/** `O=…\nCN=…` (node's X509Certificate.subject) → the trusted root's subject fields. */
function subjectOf(der: Uint8Array): { organization: string; commonName: string } {
  const fields = Object.fromEntries(new X509Certificate(Buffer.from(der)).subject.split('\n').map((l) => l.split('=') as [string, string]));
  return { organization: fields.O ?? '', commonName: fields.CN ?? '' };
}

/**
 * The CA service over its keys: the OIDC issuers it trusts (--fulcio-config; --dev adds its own issuer once the
 * URL is known) and the CT log its certificates go through.
 */
export async function openCa(ca: LoadedCa, options: CaSetupOptions): Promise<CaSetup> {
  const issuers = await openIssuers(options.fulcioConfig, options.logger);
  const chainDer = ca.chainDer;
  const service = createCaService({
    issuers,
    signer: ca.signer,
    chainDer,
    ...(options.sctIssuer ? { sctIssuer: options.sctIssuer } : {}),
    onRejected: (error) => options.logger.info({ code: error.code, reason: error.details?.reason, cause: String(error.cause ?? '') }, 'signing certificate refused'),
  });
  const issuing = new X509Certificate(Buffer.from(chainDer[0] as Uint8Array));
  return {
    api: createFulcioApi(service),
    issuers,
    trustEntry: (publicUrl) =>
      certificateAuthority({ subject: subjectOf(chainDer.at(-1) as Uint8Array), uri: publicUrl, chainDer, validFrom: new Date(issuing.validFrom) }),
  };
}
