/** What a subscription resolver returns: events in order, ended by the feed or by the client. */
export interface LiveSubscription<T> extends AsyncIterableIterator<T> {
  /** Events dropped because this subscriber fell more than the queue's limit behind. */
  readonly dropped: number;
}

export interface SubscriberQueue<T> {
  /** Queues an event; when full the oldest is dropped (a slow client loses history, the server keeps its memory). */
  push(value: T): void;
  /** Ends the subscription: the consumer sees what is queued, then done. */
  end(): void;
  readonly closed: boolean;
  readonly subscription: LiveSubscription<T>;
}

/**
 * A bounded queue per subscriber, read as an async iterator. `onClose` runs once, whether the
 * client went away (yoga calls return()) or the feed ended it, so registries never keep a
 * dead subscriber.
 */
export function createSubscriberQueue<T>(options: { limit: number; onClose?: () => void; onDrop?: () => void }): SubscriberQueue<T> {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`limit must be a positive integer; got ${options.limit}`);
  // A ring would avoid shift()'s O(n); at a few hundred entries per subscriber it does not matter.
  const items: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let ended = false;
  let dropped = 0;

  const close = () => {
    if (ended) return;
    ended = true;
    options.onClose?.();
  };
  const finish = () => {
    const wake = waiting;
    waiting = null;
    wake?.({ value: undefined, done: true });
  };

  const subscription: LiveSubscription<T> = {
    get dropped() {
      return dropped;
    },
    next() {
      if (items.length > 0) return Promise.resolve({ value: items.shift() as T, done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      items.length = 0;
      close();
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      items.length = 0;
      close();
      finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  return {
    push(value) {
      if (ended) return;
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake({ value, done: false });
        return;
      }
      items.push(value);
      if (items.length > options.limit) {
        items.shift();
        dropped += 1;
        options.onDrop?.();
      }
    },
    end() {
      close();
      finish();
    },
    get closed() {
      return ended;
    },
    subscription,
  };
}
