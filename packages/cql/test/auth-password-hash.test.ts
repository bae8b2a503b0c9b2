import { scryptSync } from 'node:crypto';
import { hasErrorCode } from '@charybdis/core';
import { MALFORMED_PASSWORD_HASH, hashPassword, parsePasswordHash, verifyPassword } from '../src/auth/password-hash';
import { decodeSaslPlain } from '../src/auth/password-authenticator';
import { AuthErrorCodes } from '../src/transport/authenticator';

describe('password hashes', () => {
  test('a hash verifies its password and no other, with a fresh salt each time', async () => {
    const a = await hashPassword('s3cret ✓');
    const b = await hashPassword('s3cret ✓');
    expect(a).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret ✓', a)).toBe(true);
    expect(await verifyPassword('s3cret ✓', b)).toBe(true);
    expect(await verifyPassword('s3cret', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('new hashes use N=2^14, a 16-byte salt and a 32-byte key', async () => {
    const parsed = parsePasswordHash(await hashPassword('pw'));
    expect([parsed.log2N, parsed.r, parsed.p, parsed.salt.length, parsed.key.length]).toEqual([14, 8, 1, 16, 32]);
  });

  test('a stored hash is checked with its own parameters (older or other costs keep working)', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('pw', salt, 32, { N: 2 ** 10, r: 4, p: 2 });
    const stored = `$scrypt$ln=10,r=4,p=2$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('pX', stored)).toBe(false);
  });

  test.each([
    ['', 'expected $scrypt'],
    ['cassandra', 'expected $scrypt'],
    ['$2a$10$abcdefghijklmnopqrstuv', 'expected $scrypt'],
    ['$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==', 'cost parameters out of range'],
    ['$scrypt$ln=14,r=8,p=1$c2Fs$aGFzaGhhc2hoYXNoaGFzaA==', 'salt or hash too short'],
    ['$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0$', 'expected $scrypt'],
  ])('a malformed stored hash %j is a clear error', async (stored, why) => {
    const err = await verifyPassword('pw', stored).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(hasErrorCode(err, MALFORMED_PASSWORD_HASH)).toBe(true);
    expect(err!.message).toContain(why);
  });
});

describe('SASL PLAIN tokens', () => {
  test('authzid NUL user NUL password, with or without the authzid', () => {
    expect(decodeSaslPlain(Buffer.from('\0bob\0pw'))).toEqual({ user: 'bob', password: 'pw' });
    expect(decodeSaslPlain(Buffer.from('admin\0bob\0p\u00e4ss'))).toEqual({ user: 'bob', password: 'p\u00e4ss' });
  });

  test.each([
    [null, 'Authentication ID must not be null'],
    [Buffer.alloc(0), 'Authentication ID must not be null'],
    [Buffer.from('bob'), 'Password must not be null'],
    [Buffer.from('\0\0pw'), 'Authentication ID must not be null'],
    [Buffer.from('\0bob\0'), 'Password must not be null'],
    [Buffer.alloc(5000, 1), 'longer than 4096 bytes'],
  ])('a bad token is BadCredentials: %#', (token, message) => {
    let caught: unknown;
    try {
      decodeSaslPlain(token);
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, AuthErrorCodes.BAD_CREDENTIALS)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });
});
