export { vectorsDir, readJsonTree, toolAvailable } from './vectors.js';
export { createTestDatabase, databaseEngines, type TestDatabase, type TestDatabaseOptions } from './db.js';
export {
  startOidcIssuer,
  createIssuerKey,
  signJwt,
  type OidcIssuer,
  type OidcIssuerOptions,
  type IssuerKey,
  type IssuerAlgorithm,
  type TokenAlgorithm,
  type TokenOptions,
} from './oidc-issuer.js';
