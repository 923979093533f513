export { TufError, type TufErrorCode } from './error.js';
export { formatExpires, parseExpires } from './expires.js';
export { KEY_TYPE, KEY_SCHEME, type TufKey, tufKey, keyIdOf } from './key.js';
export { type RoleName, metadataPath } from './roles.js';
export { SPEC_VERSION, type RoleKeys, type RootOptions, buildRoot } from './root.js';
export {
  type TargetInput,
  type LegacyUsage,
  type LegacyStatus,
  targetPath,
  legacyTargetCustom,
  sha256Hex,
} from './target-file.js';
export { type TargetsOptions, buildTargets } from './targets.js';
export { type SnapshotOptions, type TimestampOptions, buildSnapshot, buildTimestamp } from './snapshot.js';
export { type AnyMetadata, type SignedDocument, toDocument, toMetadata, parseDocument } from './document.js';
export { signMetadata, addSignatures } from './sign.js';
export { type RootSigners, signRoot } from './sign-root.js';
export { verifyThreshold, verifyRootUpdate } from './verify.js';
export {
  type RolePolicy,
  type OnlinePolicy,
  type OnlineState,
  type OnlineRefreshPlan,
  type RefreshReason,
  DEFAULT_ONLINE_POLICY,
  checkPolicy,
  planOnlineRefresh,
  secondsUntilExpiry,
  nextRefreshAt,
} from './refresh.js';
export { type OnlineSigners, readOnlineState, signOnlineRefresh } from './online.js';
