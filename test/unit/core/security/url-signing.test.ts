import { createUrlSigner } from '../../../../core/security/url-signing';

describe('createUrlSigner', () => {
  const signer = createUrlSigner('a-test-secret-of-some-length');
  const path = '/documents/invoices/m1%2F2026-01-01.pdf';
  const now = Date.parse('2026-12-01T12:00:00Z');
  const parts = (query: string) => {
    const p = new URLSearchParams(query);
    return { exp: p.get('exp'), sig: p.get('sig') };
  };

  it('accepts its own link until exp, then says expired', () => {
    const { query, expiresAt } = signer.sign(path, now, 900);
    const { exp, sig } = parts(query);
    expect(exp).toBe(String(now / 1000 + 900));
    expect(expiresAt.toISOString()).toBe('2026-12-01T12:15:00.000Z');
    expect(signer.verify(path, exp, sig, now + 899_999)).toBe('valid');
    expect(signer.verify(path, exp, sig, now + 900_000)).toBe('expired');
  });

  it('refuses another path, a moved exp, a changed signature, a missing part and another secret', () => {
    const { exp, sig } = parts(signer.sign(path, now, 900).query);
    expect(signer.verify('/documents/invoices/m2%2F2026-01-01.pdf', exp, sig, now)).toBe('bad-signature');
    expect(signer.verify(path, String(Number(exp) + 3600), sig, now)).toBe('bad-signature');
    expect(signer.verify(path, exp, `${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`, now)).toBe('bad-signature');
    expect(signer.verify(path, null, sig, now)).toBe('bad-signature');
    expect(signer.verify(path, exp, null, now)).toBe('bad-signature');
    expect(signer.verify(path, '1e12', sig, now)).toBe('bad-signature');
    expect(createUrlSigner('another-secret-entirely').verify(path, exp, sig, now)).toBe('bad-signature');
  });

  it('refuses an empty secret', () => {
    expect(() => createUrlSigner('')).toThrow(/empty/);
  });
});
