/**
 * `govalidator.IsEmail` (asaskevich/govalidator patterns.go `Email`), which Fulcio applies to `email` claims and
 * uses to refuse email-shaped subjects for `uri` and `username` issuers. Ported without the quoted-local-part
 * alternative: such addresses are refused (stricter than upstream, never looser).
 */

const U = '\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF';
const ATOM = `[a-zA-Z0-9!#$%&'*+\\-/=?^_\`{|}~${U}]+`;
const LOCAL = `${ATOM}(?:\\.${ATOM})*`;
const LABEL = `(?:[a-zA-Z0-9${U}]|[a-zA-Z0-9${U}][a-zA-Z0-9\\-._~${U}]*[a-zA-Z0-9${U}])`;
const TLD = `(?:[a-zA-Z${U}]|[a-zA-Z${U}][a-zA-Z0-9\\-_~${U}]*[a-zA-Z${U}])`;
const EMAIL = new RegExp(`^${LOCAL}@(?:${LABEL}\\.)+${TLD}\\.?$`);

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}
