import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolAvailable } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { certificateAuthority, timestampAuthority } from './certificate-authority.js';

/** A real root → intermediate chain made by openssl, returned as DER [intermediate, root]. */
function makeChain(): { intermediate: Uint8Array; root: Uint8Array } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-trust-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    run('req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/O=example.com/CN=root', '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    run('req', '-new', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=example.com/CN=intermediate');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n');
    run('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '1',
      '-extfile', 'ext.cnf', '-out', 'int.der', '-outform', 'DER');
    run('x509', '-in', 'root.pem', '-out', 'root.der', '-outform', 'DER');
    const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(dir, name)));
    return { intermediate: read('int.der'), root: read('root.der') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
const subject = { organization: 'example.com', commonName: 'fulcio' };
const validFrom = new Date('2026-01-01T00:00:00.250Z');

describe.skipIf(!toolAvailable('openssl', 'makes a test certificate chain'))('certificateAuthority', () => {
  const { intermediate, root } = makeChain();

  it('lists intermediates first and the anchor last, with subject and truncated start', () => {
    expect(certificateAuthority({ subject, uri: 'https://fulcio.example.internal', chainDer: [intermediate, root], validFrom })).toEqual({
      subject: { organization: 'example.com', commonName: 'fulcio' },
      uri: 'https://fulcio.example.internal',
      certChain: { certificates: [{ rawBytes: b64(intermediate) }, { rawBytes: b64(root) }] },
      validFor: { start: '2026-01-01T00:00:00Z' },
    });
  });

  it('accepts a root alone and a retired CA with an end', () => {
    const ca = certificateAuthority({ subject, uri: 'https://fulcio.example', chainDer: [root], validFrom, validUntil: new Date('2027-01-01T00:00:00Z') });
    expect(ca.certChain.certificates).toHaveLength(1);
    expect(ca.validFor.end).toBe('2027-01-01T00:00:00Z');
  });

  it('refuses a chain in the wrong order', () => {
    expect(() => certificateAuthority({ subject, uri: 'https://fulcio.example', chainDer: [root, intermediate], validFrom })).toThrow(
      expect.objectContaining({ code: 'INVALID_CHAIN' }),
    );
  });

  it('refuses a chain whose links were signed by another key', () => {
    const other = makeChain(); // same names, different keys: names match but signatures do not
    expect(() => certificateAuthority({ subject, uri: 'https://fulcio.example', chainDer: [intermediate, other.root], validFrom })).toThrow(
      expect.objectContaining({ code: 'INVALID_CHAIN' }),
    );
  });

  it('refuses an empty chain and bytes that are not a certificate', () => {
    for (const chainDer of [[], [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]]) {
      expect(() => certificateAuthority({ subject, uri: 'https://fulcio.example', chainDer, validFrom })).toThrow(
        expect.objectContaining({ code: 'INVALID_CHAIN' }),
      );
    }
  });

  it('keeps a TSA URI as the full timestamp URL', () => {
    const tsa = timestampAuthority({ subject: { organization: 'example.com', commonName: 'tsa' },
      uri: 'https://tsa.example/api/v1/timestamp', chainDer: [intermediate, root], validFrom });
    expect(tsa.uri).toBe('https://tsa.example/api/v1/timestamp');
  });
});
