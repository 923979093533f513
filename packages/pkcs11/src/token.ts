import crypto from 'node:crypto';
import { Pkcs11Error, ckrName, tokenError } from './error.js';
import type { Handle, Pkcs11Module } from './module.js';

/** Which token: by its label (what `softhsm2-util --init-token --label` sets) or by slot ID. */
export type TokenSelector = { tokenLabel: string; slot?: undefined } | { slot: number | bigint; tokenLabel?: undefined };

/** A slot ID from its pkcs11js handle (a native-endian CK_ULONG). */
export function slotId(handle: Handle): bigint {
  return handle.length === 8 ? handle.readBigUInt64LE(0) : BigInt(handle.readUInt32LE(0));
}

/** The slot holding the selected token; SoftHSM renumbers slots on init, so labels are the stable choice. */
export function findSlot(module: Pkcs11Module, selector: TokenSelector): Handle {
  const { api } = module;
  let slots: Handle[];
  try {
    slots = api.C_GetSlotList(true);
  } catch (cause) {
    throw tokenError('DEVICE_ERROR', 'cannot list PKCS#11 slots', cause);
  }
  if (selector.slot !== undefined) {
    const wanted = BigInt(selector.slot);
    const slot = slots.find((s) => slotId(s) === wanted);
    if (!slot) throw new Pkcs11Error('TOKEN_NOT_FOUND', `no token in slot ${wanted}`, { details: { slot: String(wanted) } });
    return slot;
  }
  // CK_TOKEN_INFO.label is blank-padded to 32 bytes (PKCS#11 v2.40 §3.2).
  const matching = slots.filter((s) => api.C_GetTokenInfo(s).label.trimEnd() === selector.tokenLabel);
  const [slot] = matching;
  if (!slot) throw new Pkcs11Error('TOKEN_NOT_FOUND', `no token labelled ${JSON.stringify(selector.tokenLabel)}`);
  if (matching.length > 1) {
    throw new Pkcs11Error('TOKEN_NOT_FOUND', `${matching.length} tokens are labelled ${JSON.stringify(selector.tokenLabel)}: choose one by slot`);
  }
  return slot;
}

/** Opens a session (read-write for key generation) and logs the user in. */
export function openLoggedInSession(module: Pkcs11Module, slot: Handle, pin: string, options: { readWrite?: boolean } = {}): Handle {
  const { api, pk } = module;
  const flags = pk.CKF_SERIAL_SESSION | (options.readWrite ? pk.CKF_RW_SESSION : 0);
  let session: Handle;
  try {
    session = api.C_OpenSession(slot, flags);
  } catch (cause) {
    throw tokenError('DEVICE_ERROR', 'cannot open a PKCS#11 session', cause);
  }
  try {
    login(module, slot, session, pin);
    return session;
  } catch (err) {
    closeSession(module, session);
    throw err;
  }
}

const BAD_PIN_CODES = new Set(['CKR_PIN_INCORRECT', 'CKR_PIN_INVALID', 'CKR_PIN_LEN_RANGE', 'CKR_PIN_LOCKED', 'CKR_PIN_EXPIRED']);

// Login state is shared by all of an application's sessions on a token (PKCS#11 v2.40 §5.6), so a second
// signer on the same token gets CKR_USER_ALREADY_LOGGED_IN without its PIN being checked. The module keeps
// a digest of the PIN the token last accepted, and a second login must present that same PIN.
function login(module: Pkcs11Module, slot: Handle, session: Handle, pin: string): void {
  const { api, pk, acceptedPins } = module;
  const key = slot.toString('hex');
  const digest = crypto.createHash('sha256').update(pin, 'utf8').digest();
  try {
    api.C_Login(session, pk.CKU_USER, pin);
    acceptedPins.set(key, digest);
  } catch (cause) {
    const ckr = ckrName(cause);
    if (ckr === 'CKR_USER_ALREADY_LOGGED_IN') {
      const accepted = acceptedPins.get(key);
      if (!accepted || crypto.timingSafeEqual(accepted, digest)) return;
      throw new Pkcs11Error('BAD_PIN', 'the token refused the PIN', { details: { ckr: 'CKR_PIN_INCORRECT' } });
    }
    if (ckr && BAD_PIN_CODES.has(ckr)) throw tokenError('BAD_PIN', 'the token refused the PIN', cause);
    throw tokenError('DEVICE_ERROR', 'cannot log in to the token', cause);
  }
}

/** Closes a session; when it is the token's last one the login ends with it (PKCS#11 v2.40 §5.6). */
export function closeSession(module: Pkcs11Module, session: Handle): void {
  try {
    module.api.C_CloseSession(session);
  } catch {
    // A session the token already dropped (device removed, library finalised) is closed.
  }
}
