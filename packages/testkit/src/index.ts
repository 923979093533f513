export { unavailable, toolAvailable, findTool, requirePostgres, type ToolLookup } from './prerequisites.js';
export { vectorsDir, readJsonTree } from './vectors.js';
export { caught } from './caught.js';
export { mutatedBytes, mutatedText } from './mutations.js';
export { createTlsCertificate, openssl, type TlsCertificateOptions } from './openssl.js';
export { pythonModuleAvailable, runPython } from './python.js';
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
export { createSoftHsmToken, softHsmLibrary, type SoftHsmToken } from './softhsm.js';
export {
  SIGBOX_START_TIMEOUT_MS,
  TEST_KEY_PASSPHRASE,
  ensureTestKeyring,
  spawnNode,
  spawnSigbox,
  startSigbox,
  untilListening,
  type NodeProcess,
  type NodeProcessOptions,
  type SigboxCommandOptions,
  type SigboxOptions,
  type SigboxProcess,
} from './sigbox-process.js';
export { TOOL_TIMEOUT_MS, runTool, type RunToolOptions, type ToolResult } from './run-tool.js';
export {
  INTEROP_STACK_START_TIMEOUT_MS,
  startInteropStack,
  type InteropStack,
  type InteropStackOptions,
  type TrustFileName,
  type TrustedRootJson,
} from './interop-stack.js';
export { TEST_CA_TIME, TEST_CA_VALIDITY, createTestCa, validityAround, type TestCa, type TestCaOptions } from './test-ca.js';
export {
  STATEMENT,
  b64,
  dsseEnvelope,
  dsseProposedEntry,
  hashedrekord,
  intotoProposedEntry,
  keyPem,
  selfSignedCert,
  signArtifact,
  testKey,
  type Digest,
  type TestKey,
} from './rekor-entries.js';
export { chainPem, generalName, generalNames, oid, testCertificate, tlv, type CertificateOptions, type TestCertificate } from './peculiar-certificates.js';
export { listeningSocketQueues, openAcceptedConnection, openRawConnection, postHead, type RawConnection } from './raw-http.js';
export { createTufClient, type TufClient } from './tuf-client.js';
export { litewitnessTools, startLitewitness, type Litewitness, type LitewitnessTools } from './litewitness.js';
export { defaultKeyDetails, dsseV2Request, hashedRekordV2Request, type V2RequestOptions } from './rekor-v2-requests.js';
export { buildTilesLogTree, startTilesLogServer, type TilesLogServer, type TilesLogTree } from './tiles-log.js';
