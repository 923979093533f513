import { selfSignedCert } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { ctIndexKeys } from './index-keys.js';

describe('ctIndexKeys', () => {
  it('keys a certificate by each SAN, lower-cased', async () => {
    expect(ctIndexKeys((await selfSignedCert({ email: 'Dev@Example.com', uri: 'https://CI.example/wf' })).der)).toEqual(['dev@example.com', 'https://ci.example/wf']);
  });

  it('keys nothing it cannot read', () => {
    expect(ctIndexKeys(Uint8Array.of(1, 2, 3))).toEqual([]);
  });
});
