import { verifyWebhookSignature, webhookSignature, type WebhookVerification } from '../../../../core/security/webhook-signing';

describe('webhook signatures', () => {
  const secret = 'whsec-test-0123456789';
  const now = Date.parse('2026-12-01T16:00:00Z');
  const timestamp = String(now / 1000);
  const body = '{"amount":"133.22"}';
  const signed = (over: Partial<WebhookVerification> = {}): WebhookVerification => ({ secret, toleranceS: 300, timestamp, signature: webhookSignature(secret, timestamp, body), body, nowMs: now, ...over });
  const reason = (input: WebhookVerification) => {
    const check = verifyWebhookSignature(input);
    return check.ok ? 'ok' : check.reason;
  };

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as sha256=<hex> (vector from openssl dgst -sha256 -hmac)', () => {
    expect(webhookSignature(secret, timestamp, body)).toBe('sha256=51557ccc94c6cb5c14aeedc6542e81c6a328d083d14fe9c9a2a9b7018bbc2c8f');
    // The bytes, not a re-encoding: a Buffer of the same body gives the same signature.
    expect(webhookSignature(secret, timestamp, Buffer.from(body))).toBe(webhookSignature(secret, timestamp, body));
  });

  it('accepts a valid signature, upper-case hex too', () => {
    expect(verifyWebhookSignature(signed())).toEqual({ ok: true });
    expect(reason(signed({ signature: `sha256=${webhookSignature(secret, timestamp, body).slice(7).toUpperCase()}` }))).toBe('ok');
  });

  it('refuses a tampered body, another timestamp, a wrong secret and a changed signature', () => {
    expect(reason(signed({ body: '{"amount":"133.23"}' }))).toBe('bad-signature');
    expect(reason(signed({ body: `${body} ` }))).toBe('bad-signature');
    // The timestamp is signed: moving it into the window does not help a replay.
    expect(reason(signed({ timestamp: String(now / 1000 + 1) }))).toBe('bad-signature');
    expect(reason(signed({ secret: 'another-secret-0123456789' }))).toBe('bad-signature');
    const sig = webhookSignature(secret, timestamp, body);
    expect(reason(signed({ signature: `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}` }))).toBe('bad-signature');
    expect(verifyWebhookSignature(signed({ body: '{}' }))).toEqual({ ok: false, reason: 'bad-signature', message: 'signature does not match' });
  });

  it('refuses a timestamp outside the window on both sides, accepts its edges', () => {
    const at = (offsetS: number) => {
      const ts = String(now / 1000 + offsetS);
      return signed({ timestamp: ts, signature: webhookSignature(secret, ts, body) });
    };
    expect(reason(at(-300))).toBe('ok');
    expect(reason(at(300))).toBe('ok');
    expect(reason(at(-301))).toBe('too-old');
    expect(reason(at(301))).toBe('too-new');
    expect(reason(at(-86_400))).toBe('too-old');
    const old = verifyWebhookSignature(at(-301));
    expect(old.ok ? '' : old.message).toBe('timestamp is 301 s old; the replay window is 300 s');
    const ahead = verifyWebhookSignature(at(400));
    expect(ahead.ok ? '' : ahead.message).toBe('timestamp is 400 s ahead of the server clock; the replay window is 300 s');
  });

  it('refuses missing and malformed headers, naming the header', () => {
    const missingTs = verifyWebhookSignature(signed({ timestamp: undefined }));
    expect(missingTs).toEqual({ ok: false, reason: 'missing-timestamp', message: 'missing x-meterflow-timestamp header' });
    expect(reason(signed({ timestamp: '  ' }))).toBe('missing-timestamp');
    const missingSig = verifyWebhookSignature(signed({ signature: null }));
    expect(missingSig).toEqual({ ok: false, reason: 'missing-signature', message: 'missing x-meterflow-signature header' });
    expect(reason(signed({ timestamp: '2026-12-01T16:00:00Z' }))).toBe('malformed-timestamp');
    expect(reason(signed({ timestamp: '-1' }))).toBe('malformed-timestamp');
    // Milliseconds instead of seconds (13 digits).
    expect(reason(signed({ timestamp: String(now) }))).toBe('malformed-timestamp');
    expect(reason(signed({ signature: webhookSignature(secret, timestamp, body).slice(7) }))).toBe('malformed-signature');
    expect(reason(signed({ signature: 'sha1=0123' }))).toBe('malformed-signature');
    expect(reason(signed({ signature: `sha256=${'g'.repeat(64)}` }))).toBe('malformed-signature');
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => webhookSignature('', timestamp, body)).toThrow(/empty/);
  });
});
