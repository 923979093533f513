import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { entryTimestampPayload, logIdHex, signEntryTimestamp, verifyEntryTimestamp } from './index.js';

const fields = { body: 'eyJhIjoxfQ==', integratedTime: 1700000000, logID: 'ab'.repeat(32), logIndex: 123456n };

describe('signed entry timestamp', () => {
  it('signs exactly the JCS bytes of the four fields', () => {
    expect(encoding.fromUtf8(entryTimestampPayload(fields))).toBe(
      `{"body":"eyJhIjoxfQ==","integratedTime":1700000000,"logID":"${'ab'.repeat(32)}","logIndex":123456}`,
    );
  });

  it('round-trips with an ECDSA signer and refuses other key types', async () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const withId = { ...fields, logID: logIdHex(signer.publicKey) };
    const sig = await signEntryTimestamp(entryTimestampPayload(withId), signer);
    expect(sig[0]).toBe(0x30); // ASN.1 DER SEQUENCE
    expect(verifyEntryTimestamp(withId, sig, signer.publicKey)).toBe(true);
    expect(verifyEntryTimestamp({ ...withId, logIndex: 123457n }, sig, signer.publicKey)).toBe(false);
    await expect(signEntryTimestamp(entryTimestampPayload(fields), createEphemeralSigner('ed25519'))).rejects.toMatchObject({ code: 'UNSUPPORTED_SIGNER' });
  });

  it('refuses integers JSON numbers cannot carry', () => {
    expect(() => entryTimestampPayload({ ...fields, logIndex: 2n ** 53n })).toThrow(expect.objectContaining({ code: 'INTEGER_OVERFLOW' }));
  });
});
