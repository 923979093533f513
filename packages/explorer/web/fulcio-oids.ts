/**
 * Fulcio's certificate extensions by OID, titled as sigstore/fulcio docs/oid-info.md @
 * 001376a50932095cf4b6e65299ed2d29abe83524 names them. The 1.8+ part is @sigbox/policy's EXTENSION_FIELDS (a test
 * keeps the two equal); 1.1–1.6 are the deprecated raw-string forms older certificates still carry.
 */
export const FULCIO_EXTENSIONS: ReadonlyArray<{ readonly oid: string; readonly name: string; readonly title: string; readonly raw?: true }> = [
  { oid: '1.3.6.1.4.1.57264.1.1', name: 'issuerV1', title: 'Issuer (V1)', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.2', name: 'githubWorkflowTrigger', title: 'GitHub Workflow Trigger', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.3', name: 'githubWorkflowSha', title: 'GitHub Workflow SHA', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.4', name: 'githubWorkflowName', title: 'GitHub Workflow Name', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.5', name: 'githubWorkflowRepository', title: 'GitHub Workflow Repository', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.6', name: 'githubWorkflowRef', title: 'GitHub Workflow Ref', raw: true },
  { oid: '1.3.6.1.4.1.57264.1.8', name: 'issuer', title: 'Issuer (V2)' },
  { oid: '1.3.6.1.4.1.57264.1.9', name: 'buildSignerURI', title: 'Build Signer URI' },
  { oid: '1.3.6.1.4.1.57264.1.10', name: 'buildSignerDigest', title: 'Build Signer Digest' },
  { oid: '1.3.6.1.4.1.57264.1.11', name: 'runnerEnvironment', title: 'Runner Environment' },
  { oid: '1.3.6.1.4.1.57264.1.12', name: 'sourceRepositoryURI', title: 'Source Repository URI' },
  { oid: '1.3.6.1.4.1.57264.1.13', name: 'sourceRepositoryDigest', title: 'Source Repository Digest' },
  { oid: '1.3.6.1.4.1.57264.1.14', name: 'sourceRepositoryRef', title: 'Source Repository Ref' },
  { oid: '1.3.6.1.4.1.57264.1.15', name: 'sourceRepositoryIdentifier', title: 'Source Repository Identifier' },
  { oid: '1.3.6.1.4.1.57264.1.16', name: 'sourceRepositoryOwnerURI', title: 'Source Repository Owner URI' },
  { oid: '1.3.6.1.4.1.57264.1.17', name: 'sourceRepositoryOwnerIdentifier', title: 'Source Repository Owner Identifier' },
  { oid: '1.3.6.1.4.1.57264.1.18', name: 'buildConfigURI', title: 'Build Config URI' },
  { oid: '1.3.6.1.4.1.57264.1.19', name: 'buildConfigDigest', title: 'Build Config Digest' },
  { oid: '1.3.6.1.4.1.57264.1.20', name: 'buildTrigger', title: 'Build Trigger' },
  { oid: '1.3.6.1.4.1.57264.1.21', name: 'runInvocationURI', title: 'Run Invocation URI' },
  { oid: '1.3.6.1.4.1.57264.1.22', name: 'sourceRepositoryVisibilityAtSigning', title: 'Source Repository Visibility At Signing' },
  { oid: '1.3.6.1.4.1.57264.1.23', name: 'deploymentEnvironment', title: 'Deployment Environment' },
];
