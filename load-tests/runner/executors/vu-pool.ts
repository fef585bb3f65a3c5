import type { Vu } from '../load-test';

/**
 * The VUs of one scenario. VUs are initialised ahead (`preallocate`) or, for arrival-rate
 * executors, mid-run by `grow()` up to `max` (k6's maxVUs). A VU is either idle or busy with
 * exactly one iteration; nothing ever queues for a VU.
 */
export interface VuPool {
  /** Initialised (or initialising) VUs. */
  readonly size: number;
  /** VUs running an iteration (or reserved for one while initialising). */
  readonly busy: number;
  readonly max: number;
  /** Initialises `n` VUs (at most `max`), a few at a time. */
  preallocate(n: number): Promise<void>;
  /** An idle VU, now busy; null if none is idle. */
  take(): Vu | null;
  /** Initialises one more VU, busy from the start; null when the pool is at `max`. */
  grow(): Promise<Vu> | null;
  release(vu: Vu): void;
  /** Closes every VU (busy ones too: their iterations were interrupted); errors go to `onError`. */
  closeAll(onError: (error: unknown) => void): Promise<void>;
}

export interface VuPoolOptions {
  max: number;
  /** Builds one VU (the runner gives it its id and context). */
  create(): Promise<Vu>;
  /** How many VUs initialise at once in `preallocate`. @default 50 */
  initConcurrency?: number;
}

export function createVuPool(options: VuPoolOptions): VuPool {
  const all: Vu[] = [];
  // Idle VUs in the order they became idle (first in, first out), so iterations go round the
  // VUs as in k6: each VU is a meter, and a meter that published least recently publishes next.
  // Taking the most recently released VU instead would put a low rate on one or two meters.
  let idle: Vu[] = [];
  let head = 0;
  let initialising = 0;
  let busy = 0;
  let closed = false;
  const concurrency = options.initConcurrency ?? 50;

  return {
    get size() {
      return all.length + initialising;
    },
    get busy() {
      return busy;
    },
    max: options.max,
    async preallocate(n) {
      const want = Math.min(n, options.max) - all.length - initialising;
      let next = 0;
      const worker = async () => {
        while (next < want) {
          next += 1;
          initialising += 1;
          try {
            const vu = await options.create();
            if (closed) {
              await vu.close().catch(() => {});
              continue;
            }
            all.push(vu);
            idle.push(vu);
          } finally {
            initialising -= 1;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(0, want)) }, worker));
    },
    take() {
      if (head >= idle.length) return null;
      const vu = idle[head]!;
      head += 1;
      if (head > 1024 && head * 2 > idle.length) {
        idle = idle.slice(head);
        head = 0;
      }
      busy += 1;
      return vu;
    },
    grow() {
      if (all.length + initialising >= options.max) return null;
      initialising += 1;
      busy += 1;
      return options.create().then(
        async (vu) => {
          initialising -= 1;
          if (closed) {
            await vu.close().catch(() => {});
            throw new Error('the run ended while this VU was initialising');
          }
          all.push(vu);
          return vu;
        },
        (error: unknown) => {
          initialising -= 1;
          busy -= 1;
          throw error;
        },
      );
    },
    release(vu) {
      busy -= 1;
      idle.push(vu);
    },
    async closeAll(onError) {
      closed = true;
      const vus = all.splice(0);
      idle = [];
      head = 0;
      await Promise.all(vus.map((vu) => vu.close().catch(onError)));
    },
  };
}
