import { claimsToStrings, stringClaim } from '../claims.js';
import { OidcError } from '../error.js';
import type { ExtensionField, ExtensionValues } from '../extensions.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';
import { TemplateError, compileTemplate } from '../template.js';

/**
 * `ci-provider` issuers: SAN and extensions from the configured `CIIssuerMetadata` templates
 * (fulcio pkg/identity/ciprovider/principal.go). Token claims override `DefaultTemplateValues`; a template with
 * `{{` runs with missingkey=error, any other value names a claim. Issuer and Subject always come from the token.
 */
export function ciProviderPrincipal({ issuer, claims, metadata }: IdentityInput): Principal {
  if (!metadata) throw failure(`metadata not found for ci provider ${issuer.ciProvider}, issuer: ${issuer.issuerUrl}`);
  const data = { ...metadata.defaultTemplateValues, ...claimsToStrings(claims) };
  const apply = (template: string, name: string): string => {
    try {
      if (template.includes('{{')) return compileTemplate(template).execute(data);
      if (!Object.hasOwn(data, template)) throw new TemplateError(`value <${template}> not present in either claims or defaults`);
      return data[template]!;
    } catch (err) {
      throw failure(`${name} (issuer ${issuer.issuerUrl}): ${err instanceof Error ? err.message : String(err)}`, err);
    }
  };
  const san = apply(metadata.subjectAlternativeNameTemplate, 'SubjectAlternativeName');
  const values: ExtensionValues = {};
  for (const [field, template] of Object.entries(metadata.extensionTemplates) as Array<[ExtensionField, string]>) {
    if (template.trim() === '' || field === 'Issuer' || field === 'Subject') continue;
    values[field] = apply(template, field);
  }
  return subjectPrincipal(issuer.issuerUrl, stringClaim(claims, 'sub'), { kind: 'uri', value: san }, values);
}

function failure(detail: string, cause?: unknown): OidcError {
  return new OidcError('CI_TEMPLATE_FAILED', detail, cause === undefined ? {} : { cause });
}
