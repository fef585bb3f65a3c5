/**
 * The services in the meterflow image, listed once. One image runs all of them; the command
 * picks the service (`meterflow <name>`). package.json's npm scripts, deploy/Dockerfile, deploy/docker-compose.yml
 * and the Kubernetes manifests in deploy/k8s must agree with this list:
 * test/unit/deploy/services.test.ts checks each of them against it.
 */
import * as path from 'node:path';

export type ServiceName = 'bridge' | 'sink' | 'processors' | 'graphql';

export interface DeployedService {
  /** Compose service, Kubernetes workload and container name. */
  readonly name: ServiceName;
  /** `npm run <npmScript>` runs it from source (`meterflow <name>`). */
  readonly npmScript: string;
  /** Its TypeScript entry point (exports its command; tests, benches and the demo spawn it with tsx), relative to the repo root. */
  readonly script: string;
  /** What `npm run build` (tsconfig.build.json, outDir dist) makes of `script`. */
  readonly distEntry: string;
  /** Port of GET /health (the service's default) and the variable that changes it. */
  readonly healthPort: number;
  readonly healthPortVariable: string;
  readonly healthPath: '/health';
  /** Whether the health port also serves the service's API (GraphQL). */
  readonly servesApi: boolean;
  /**
   * How instances scale out:
   * - `stable-id`: each instance needs its own id that survives restarts (the bridge's MQTT
   *   persistent session, docs/contracts.md §9): a StatefulSet;
   * - `partitions`: a Kafka consumer group; more replicas than MF_KAFKA_PARTITIONS sit idle;
   * - `stateless`: any number behind a Service.
   */
  readonly scaling: 'stable-id' | 'partitions' | 'stateless';
  /** Seconds a stop may take before SIGKILL: the SIGTERM drain plus a margin. */
  readonly stopGraceSeconds: number;
  /** Node flags of its process, in every way it is started (npm script, image, manifests). */
  readonly nodeFlags: readonly string[];
}

/** `bridge/cli.ts` → `dist/bridge/cli.js`: tsconfig.build.json has rootDir "." and outDir "dist". */
export function distEntryOf(script: string): string {
  return path.posix.join('dist', script.replace(/\.ts$/, '.js'));
}

/**
 * The container command of a service: `meterflow <name>` (the image puts dist/cli/meterflow.js on
 * PATH); a service with node flags gets them from meterflow itself (cli/dispatch.ts).
 */
export function startCommand(service: DeployedService): string[] {
  return ['meterflow', service.name];
}

/** What its npm script runs: `meterflow <name>` from source (bin/meterflow.js), with its node flags. */
export function npmScriptCommand(service: DeployedService): string {
  return ['node', ...service.nodeFlags, 'bin/meterflow.js', service.name].join(' ');
}

const service = (s: Omit<DeployedService, 'distEntry' | 'healthPath' | 'nodeFlags'> & { nodeFlags?: readonly string[] }): DeployedService => ({
  ...s,
  nodeFlags: s.nodeFlags ?? [],
  distEntry: distEntryOf(s.script),
  healthPath: '/health',
});

export const services: readonly DeployedService[] = [
  service({
    name: 'bridge',
    npmScript: 'bridge',
    script: 'bridge/cli.ts',
    healthPort: 18081,
    healthPortVariable: 'MF_BRIDGE_HTTP_PORT',
    servesApi: false,
    scaling: 'stable-id',
    // MF_BRIDGE_DRAIN_TIMEOUT_MS (30 s) to hand Kafka what was accepted, then acknowledge.
    stopGraceSeconds: 45,
  }),
  service({
    name: 'sink',
    npmScript: 'sink',
    script: 'processors/raw-readings-sink/cli.ts',
    healthPort: 18082,
    healthPortVariable: 'MF_SINK_HTTP_PORT',
    servesApi: false,
    scaling: 'partitions',
    stopGraceSeconds: 30,
  }),
  service({
    name: 'processors',
    npmScript: 'processors',
    script: 'processors/cli.ts',
    healthPort: 18083,
    healthPortVariable: 'MF_PROCESSORS_HTTP_PORT',
    servesApi: false,
    scaling: 'partitions',
    // Writes what was handled, checkpoints state to QuestDB, commits offsets.
    stopGraceSeconds: 60,
    // A larger young generation: catching up on history, each reading makes short-lived results
    // (window rows, records); with V8's default 16 MB semi-spaces GC was a fifth of the CPU
    // (npm run bench:processors -- --import …: 18,618 → 19,916 readings/s, docs/performance.md).
    nodeFlags: ['--max-semi-space-size=32'],
  }),
  service({
    name: 'graphql',
    npmScript: 'graphql',
    script: 'graphql/cli.ts',
    healthPort: 4000,
    healthPortVariable: 'MF_GRAPHQL_PORT',
    servesApi: true,
    scaling: 'stateless',
    stopGraceSeconds: 15,
  }),
];

export function serviceNamed(name: string): DeployedService {
  const found = services.find((s) => s.name === name);
  if (!found) throw new Error(`no service named ${name} in deploy/services.ts`);
  return found;
}
