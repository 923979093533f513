import { describe, expect, it } from 'vitest';
import { claimsToStrings, emailVerified, formatGoValue, jsonPathValue, plainDecimal } from './claims.js';
import { isEmail } from './email-address.js';
import { parseSpiffeId, parseTrustDomain } from './spiffe-id.js';

describe('claim formatting as Fulcio (Go) does it', () => {
  it('writes numbers without exponents for templates (strconv FormatFloat f -1, #2406)', () => {
    expect(plainDecimal(123456789)).toBe('123456789');
    expect(plainDecimal(1e21)).toBe('1000000000000000000000');
    expect(plainDecimal(1.5)).toBe('1.5');
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(-42)).toBe('-42');
    expect(claimsToStrings({ run_id: 9876543210, ok: true, aud: ['sigstore'], n: null })).toEqual({ run_id: '9876543210', ok: 'true', aud: '[sigstore]', n: '<nil>' });
  });

  it('formats nested values like fmt %v', () => {
    expect(formatGoValue({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
    expect(formatGoValue(123456789)).toBe('1.23456789e+08');
    expect(formatGoValue(100000)).toBe('100000');
  });

  it('reads email_verified as oauthflow stringAsBool', () => {
    expect(emailVerified({ email_verified: true })).toBe(true);
    expect(emailVerified({ email_verified: 'True' })).toBe(true);
    expect(emailVerified({ email_verified: 'false' })).toBe(false);
    expect(emailVerified({})).toBe(false);
    expect(() => emailVerified({ email_verified: 1 })).toThrow('invalid value for boolean');
  });

  it('evaluates the IssuerClaim JSONPath subset', () => {
    const claims = { federated_claims: { connector_id: 'https://github.com/login/oauth', n: 7 } };
    expect(jsonPathValue(claims, '$.federated_claims.connector_id')).toBe('https://github.com/login/oauth');
    expect(jsonPathValue(claims, "$['federated_claims']['n']")).toBe('7');
    expect(() => jsonPathValue(claims, '$.federated_claims.user_id')).toThrow('unknown key user_id');
  });
});

describe('govalidator and go-spiffe behaviours', () => {
  it('recognises emails', () => {
    expect(isEmail('alice@example.com')).toBe(true);
    expect(isEmail('a.b+c@sub.example.org')).toBe(true);
    for (const bad of ['alice', 'alice@', '@example.com', 'alice@example', 'https://example.com/alice', 'a..b@example.com']) expect(isEmail(bad), bad).toBe(false);
  });

  it('validates SPIFFE IDs and trust domains', () => {
    expect(parseSpiffeId('spiffe://corp.example/ns/prod/sa/api')).toEqual({ trustDomain: 'corp.example', path: '/ns/prod/sa/api' });
    expect(parseTrustDomain('spiffe://corp.example/x')).toBe('corp.example');
    for (const bad of ['https://corp.example/x', 'spiffe:///x', 'spiffe://Corp/x', 'spiffe://td/a//b', 'spiffe://td/a/', 'spiffe://td/../x']) {
      expect(() => parseSpiffeId(bad), bad).toThrow();
    }
  });
});
