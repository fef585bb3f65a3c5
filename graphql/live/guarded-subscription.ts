/**
 * Wraps a subscription's event stream so that it ends when the caller may no longer see it:
 * at `expiresAt` (the JWT's exp) and whenever `stillAllowed` (re-run every `recheckMs`: the meter
 * may have moved to another customer) says no. Access checked once at subscribe time would let
 * an expired token or a former owner follow a meter forever. Ending calls the source's return(),
 * so the live feed drops the subscriber; the client sees the stream complete.
 */
export interface GuardOptions {
  /** How often access is checked again. */
  recheckMs: number;
  /** Epoch ms at which the credential expires; undefined = never. */
  expiresAt?: number;
  stillAllowed(): Promise<boolean>;
  now?: () => number;
  /** Told why the stream ended early ('expired' | 'revoked'). */
  onEnd?(reason: 'expired' | 'revoked'): void;
}

export function guardSubscription<T>(source: AsyncIterator<T>, options: GuardOptions): AsyncIterableIterator<T> {
  const now = options.now ?? Date.now;
  let stop!: (reason: 'expired' | 'revoked') => void;
  let stopped: 'expired' | 'revoked' | null = null;
  const stopping = new Promise<IteratorResult<T>>((resolve) => {
    stop = (reason) => {
      if (stopped) return;
      stopped = reason;
      options.onEnd?.(reason);
      resolve({ value: undefined, done: true });
      void source.return?.();
    };
  });
  const timers: NodeJS.Timeout[] = [];
  if (options.expiresAt !== undefined) timers.push(setTimeout(() => stop('expired'), Math.max(0, options.expiresAt - now())));
  const recheck = setInterval(() => {
    options.stillAllowed().then(
      (allowed) => allowed || stop('revoked'),
      // A failed check (QuestDB down) is not a revocation; the next one decides.
      () => undefined,
    );
  }, options.recheckMs);
  timers.push(recheck);
  for (const t of timers) t.unref?.();
  const clear = () => {
    for (const t of timers) clearTimeout(t);
  };
  void stopping.then(clear);

  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (stopped) return { value: undefined, done: true };
      const result = await Promise.race([source.next(), stopping]);
      if (result.done) clear();
      return result;
    },
    async return(value?: unknown) {
      clear();
      stopped ??= 'revoked';
      await source.return?.(value);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
