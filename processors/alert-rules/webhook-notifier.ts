import { MeterflowError } from '../../core/errors';
import type { AlertEvent } from '../../core/streams/alerts';

/**
 * Webhook delivery (e-mail and SMS gateways take alerts through a webhook too). The payload formatter is pure;
 * the notifier POSTs it with retry and exponential backoff. `fetch` and `sleep` are injected,
 * so it is unit-tested without a network.
 */
export interface WebhookPayload {
  type: 'meterflow.alert';
  version: 1;
  /** Stable per transition: a receiver can drop a redelivery with it. */
  idempotencyKey: string;
  text: string;
  alert: Omit<AlertEvent, 'startedAt' | 'endedAt' | 'at'> & { startedAt: string; endedAt: string | null; at: string };
}

export function formatWebhookPayload(event: AlertEvent): WebhookPayload {
  const iso = (ts: number) => new Date(ts).toISOString();
  const loss = event.estimatedLossL !== undefined ? `, estimated loss ${event.estimatedLossL} L` : '';
  const text =
    event.state === 'closed'
      ? `[${event.severity}] ${event.rule} on ${event.meterId} closed (${iso(event.startedAt)} → ${iso(event.endedAt ?? event.at)}${loss})`
      : `[${event.severity}] ${event.rule} on ${event.meterId} ${event.state} since ${iso(event.startedAt)}${loss}`;
  return {
    type: 'meterflow.alert',
    version: 1,
    idempotencyKey: `${event.alertId}:${event.state}:${event.at}`,
    text,
    alert: { ...event, startedAt: iso(event.startedAt), endedAt: event.endedAt === undefined ? null : iso(event.endedAt), at: iso(event.at) },
  };
}

export interface AlertNotifier {
  notify(event: AlertEvent): Promise<void>;
}

/** The part of the Fetch API the notifier uses (global `fetch` fits). */
export type FetchLike = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; headers?: { get(name: string): string | null } }>;

export interface WebhookOptions {
  /** @default 5 — attempts in all, the first included */
  maxAttempts?: number;
  /** @default 500 — delay before the first retry, ms; doubles each time */
  baseDelayMs?: number;
  /** @default 30000 — cap on one delay, ms */
  maxDelayMs?: number;
  /** @default 10000 — per-request timeout, ms */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs each alert as JSON. Retries network errors, timeouts, 408, 429 and 5xx with
 * exponential backoff (base × 2^n, capped; a Retry-After in seconds is honoured up to the
 * cap); other 4xx answers are final. Throws MeterflowError WEBHOOK_DELIVERY_FAILED when it
 * gives up (retriable when the last failure was).
 */
export function createWebhookNotifier(url: string, fetch: FetchLike, options: WebhookOptions = {}): AlertNotifier {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  return {
    async notify(event) {
      const payload = formatWebhookPayload(event);
      const body = JSON.stringify(payload);
      const headers = { 'content-type': 'application/json', 'idempotency-key': payload.idempotencyKey, ...options.headers };
      let last = '';
      let retriable = true;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        let retryAfterMs: number | null = null;
        try {
          const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
          if (res.status >= 200 && res.status < 300) return;
          last = `HTTP ${res.status}`;
          retriable = res.status === 408 || res.status === 429 || res.status >= 500;
          const ra = Number(res.headers?.get('retry-after'));
          if (Number.isFinite(ra) && ra >= 0 && res.headers?.get('retry-after')) retryAfterMs = ra * 1000;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
          retriable = true;
        }
        if (!retriable || attempt === maxAttempts) break;
        await sleep(Math.min(cap, retryAfterMs ?? base * 2 ** (attempt - 1)));
      }
      throw new MeterflowError('WEBHOOK_DELIVERY_FAILED', `webhook ${url} refused alert ${payload.idempotencyKey}: ${last}`, { retriable });
    },
  };
}
