import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring links: a path plus `exp` (Unix seconds) and `sig`, the HMAC-SHA256
 * (base64url) of `path\nexp` under a server secret. Whoever holds the link may fetch the path
 * until exp, and nobody can make a link to another path or move exp without the secret. The
 * path is signed as given (already percent-encoded), so the check compares the same bytes.
 */
export interface UrlSigner {
  /** `?exp=…&sig=…` for `path`, valid for ttlS seconds after nowMs. */
  sign(path: string, nowMs: number, ttlS: number): { query: string; expiresAt: Date };
  /** Whether (path, exp, sig) is a link this signer made and exp is not past. */
  verify(path: string, exp: string | null, sig: string | null, nowMs: number): UrlCheck;
}

export type UrlCheck = 'valid' | 'expired' | 'bad-signature';

export function createUrlSigner(secret: string): UrlSigner {
  if (secret.length === 0) throw new Error('createUrlSigner: the secret is empty');
  const mac = (path: string, exp: string) => createHmac('sha256', secret).update(`${path}\n${exp}`).digest('base64url');
  return {
    sign(path, nowMs, ttlS) {
      const exp = Math.floor(nowMs / 1000) + ttlS;
      return { query: `exp=${exp}&sig=${mac(path, String(exp))}`, expiresAt: new Date(exp * 1000) };
    },
    verify(path, exp, sig, nowMs) {
      if (exp === null || sig === null || !/^\d{1,12}$/.test(exp)) return 'bad-signature';
      // Constant time, so the signature cannot be found byte by byte from response times.
      const expected = Buffer.from(mac(path, exp));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';
      return Number(exp) * 1000 <= nowMs ? 'expired' : 'valid';
    },
  };
}
