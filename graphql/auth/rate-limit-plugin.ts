import type { Plugin } from 'graphql-yoga';
import { apiError } from '../errors';
import type { Principal } from './principal';
import { createRateLimiter, type RateLimiter } from './rate-limiter';

/**
 * Per-subject rate limit, applied once the context (and so the principal) exists: an operation
 * over the limit executes nothing and answers RATE_LIMITED (HTTP 429, Retry-After).
 * Unauthenticated requests never get here (the context factory refused them).
 */
export function createRateLimitPlugin(perMinute: number, limiter: RateLimiter = createRateLimiter({ perMinute })): Plugin {
  const refusal = (contextValue: unknown) => {
    const principal = (contextValue as { principal?: Principal }).principal;
    if (!principal) return null;
    // API key names and JWT subjects are separate namespaces.
    const decision = limiter.take(`${principal.via}:${principal.subject}`);
    if (decision.allowed) return null;
    const error = apiError('RATE_LIMITED', `rate limit of ${perMinute} requests per minute exceeded; retry after ${decision.retryAfterS} s`, { retryAfterS: decision.retryAfterS });
    (error.extensions.http as { headers?: Record<string, string> }).headers = { 'Retry-After': String(decision.retryAfterS) };
    return error;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args.contextValue);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args.contextValue);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
