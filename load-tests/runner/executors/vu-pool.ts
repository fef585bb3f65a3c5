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
  const idle: Vu[] = [];
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
      const vu = idle.pop();
      if (!vu) return null;
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
      idle.length = 0;
      await Promise.all(vus.map((vu) => vu.close().catch(onError)));
    },
  };
}
