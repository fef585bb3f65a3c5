import { customerPseudonym, isPseudonym } from '../../../../core/gdpr/pseudonym';

describe('customerPseudonym', () => {
  it('is erased- and the first 24 hex digits of HMAC-SHA256(key, "customer\\n" + id)', () => {
    // Oracle: printf 'customer\nt-c1' | openssl dgst -sha256 -hmac k-0123456789
    // = a2ab8e9a01d0fe497a9fce7da9c07dc4b287b47aac1c2c106fb44204fe12bbc0
    expect(customerPseudonym('k-0123456789', 't-c1')).toBe('erased-a2ab8e9a01d0fe497a9fce7d');
  });

  it('differs per key and per customer, and is recognised as a pseudonym', () => {
    const p = customerPseudonym('k-0123456789', 't-c1');
    expect(customerPseudonym('another-key-0123', 't-c1')).not.toBe(p);
    expect(customerPseudonym('k-0123456789', 't-c10')).not.toBe(p);
    expect(isPseudonym(p)).toBe(true);
    expect(isPseudonym('t-c1')).toBe(false);
  });

  it('refuses an empty key', () => {
    expect(() => customerPseudonym('', 't-c1')).toThrow(/key is empty/);
  });
});
