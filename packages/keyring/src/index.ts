export { KeyringError, type KeyringErrorCode } from './error.js';
export { KEY_DIR_MODE, KEY_FILE_MODE, PUBLIC_FILE_MODE, ensurePrivateDir, readOptional, replaceFile, syncDir, writeNewFile } from './files.js';
export {
  KEYRING_FILE,
  KEYRING_MEDIA_TYPE,
  KEY_ROLES,
  TUF_ROOTS_DIR,
  checkKeyName,
  parseKeyring,
  serializeKeyring,
  type KeyCustody,
  type KeyEntry,
  type KeyRole,
  type KeyringDocument,
  type KeyringHsm,
} from './layout.js';
export {
  createKey,
  hsmLabel,
  isEncrypted,
  keyFileName,
  openKey,
  publicKeyPem,
  readKeyFile,
  writeKeyFile,
  type CustodyOptions,
  type KeySecrets,
  type NewKeySpec,
  type OpenedKey,
} from './custody.js';
export { addKeys, createKeyringFile, keyNamed, keysOf, loadKeyring, newestKey, nextKeyName, type Keyring } from './keyring.js';
