import type { LibDirs } from './artifacts';
import type { Launch, ServerFiles } from './process-control';
import type { Tools } from './requirements';

export type ServerName = 'mosquitto' | 'kafka' | 'questdb';

/** What every server module (kafka-server.ts, questdb-server.ts, mosquitto-server.ts) provides. */
export interface StackServer {
  readonly name: ServerName;
  /** For messages, e.g. "Kafka 3.9.1". */
  readonly title: string;
  readonly files: ServerFiles;
  /** Ports it binds, with the variable that moves each (named in STACK_PORT_TAKEN). */
  readonly ports: ReadonlyArray<{ readonly port: number; readonly envVar: string }>;
  /** A path found in the server's command line: tells our process from a recycled pid. */
  readonly processMarker: string;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  /** Writes its config (every start, so changed MF_* variables apply) and returns how to run it. */
  prepare(ctx: { tools: Tools; lib: LibDirs; log: (line: string) => void }): Promise<Launch>;
  /** One health probe: resolves with a short detail when healthy, rejects with the reason otherwise. */
  probe(): Promise<string>;
}
