import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildService {
  name: string;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..');

/** Runs one of the project's service CLIs (the same entry points `npm run bridge|sink|graphql` use) as a child process. */
export function startChildService(name: string, script: string, env: Record<string, string>, onLine?: (line: string) => void, nodeArgs: readonly string[] = []): ChildService {
  // `node --import tsx` keeps the service in this one process: the tsx CLI would fork a
  // grandchild that a SIGKILL of the parent leaves running (and holding our pipes).
  // MF_CPU_PROF_DIR: write a V8 CPU profile of the service there when it exits (node refuses
  // --cpu-prof in NODE_OPTIONS, so it has to be a flag of this command).
  // One folder per service; node writes one profile per thread there (tsx's loader hooks run in their own).
  const profile = process.env.MF_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.MF_CPU_PROF_DIR, name)}`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeArgs, '--import', 'tsx', path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Whole lines only: a chunk may end inside a line (a JSON log record cut in two).
  const forward = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine?.(`[${name}] ${line}`);
    });
    stream?.on('end', () => rest.trim() && onLine?.(`[${name}] ${rest}`));
  };
  forward(child.stdout);
  forward(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    process: child,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a service's /health until it answers 200. */
export async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}

/** process_cpu_seconds_total from a service's /metrics. */
export async function scrapeCpuSeconds(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const match = /^process_cpu_seconds_total ([\d.e+-]+)$/m.exec(text);
  if (!match) throw new Error(`no process_cpu_seconds_total at ${metricsUrl}`);
  return Number(match[1]);
}

/** Every sample of a service's /metrics, by series (`name{labels}`). */
export async function scrapeMetrics(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}
