/**
 * deploy/k8s without a cluster: every manifest against the Kubernetes API's JSON schemas (the
 * validators kubernetes-models generates from the OpenAPI spec of Kubernetes 1.27), Strimzi's
 * resources structurally (their CRD schemas ship with the operator, not with npm), and the
 * workloads against deploy/services.ts, the ConfigMap, the Secret keys and each other.
 */
import { readdirSync } from 'node:fs';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { envVariables } from '../../../core/config/env-spec';
import { KAFKA_VERSION } from '../../../deploy/stack/kafka-server';
import { QUESTDB_VERSION } from '../../../deploy/stack/questdb-server';
import { serviceNamed, services, startCommand } from '../../../deploy/services';
import { parseYamlDocuments, parseYamlFile, readRepoFile, variableUses } from './deploy-files';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML; the schema test types them */
type Manifest = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };

const dir = 'deploy/k8s';
const files = readdirSync(`${__dirname}/../../../${dir}`).filter((f) => f.endsWith('.yaml')).sort();
const kustomization = parseYamlFile(`${dir}/kustomization.yaml`) as { namespace: string; resources: string[]; images: { name: string }[] };
const applied = kustomization.resources.flatMap((f) => parseYamlDocuments(`${dir}/${f}`) as Manifest[]);
const examples = parseYamlDocuments(`${dir}/secret.example.yaml`) as Manifest[];
const all = [...applied, ...examples];

const find = (kind: string, name: string) => all.find((m) => m.kind === kind && m.metadata.name === name);
const config = find('ConfigMap', 'meterflow-config')?.data as Record<string, string>;
const declared = new Set(envVariables.map((v) => v.name));

type ModelClass = new (data: any) => { validate(): void };
const models: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const strimziKinds = new Set(['kafka.strimzi.io/v1beta2/Kafka', 'kafka.strimzi.io/v1beta2/KafkaNodePool']);

function schemaErrors(m: Manifest): string | null {
  const Model = models[`${m.apiVersion}/${m.kind}`];
  if (!Model) return `no schema for ${m.apiVersion}/${m.kind}`;
  try {
    new Model(m).validate();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const workloads = applied.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
const podSpec = (w: Manifest) => w.spec.template.spec;
const containerOf = (w: Manifest) => podSpec(w).containers[0];
const workload = (name: string) => workloads.find((w) => w.metadata.name === name) as Manifest;
function portNumber(container: any, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p: any) => p.name === port)?.containerPort;
}

describe('deploy/k8s manifests against the Kubernetes schemas', () => {
  it('the validators reject a broken manifest', () => {
    expect(schemaErrors({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } })).toMatch(/replicas/);
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ name: 'a' }] } })).toMatch(/port/);
  });

  it.each(all.filter((m) => !strimziKinds.has(`${m.apiVersion}/${m.kind}`)).map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))('%s is valid', (_id, m) => {
    expect(schemaErrors(m)).toBeNull();
  });

  it('kustomization.yaml applies every manifest file but the examples, in one namespace', () => {
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml' && !f.endsWith('.example.yaml')));
    expect(find('Namespace', kustomization.namespace)).toBeDefined();
    for (const m of all) if (m.metadata.namespace !== undefined) expect(m.metadata.namespace).toBe(kustomization.namespace);
    expect(kustomization.images.map((i) => i.name)).toEqual(['meterflow']);
  });

  it('names are unique per kind', () => {
    const ids = applied.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(ids.length).toBe(new Set(ids).size);
  });
});

describe('deploy/k8s: the services', () => {
  it.each(services.map((s) => [s.name, s] as const))('%s runs the command of deploy/services.ts, probed on its health endpoint', (name, s) => {
    const w = workload(name);
    expect(w).toBeDefined();
    const c = containerOf(w);
    expect(c.name).toBe(name);
    expect(c.image).toBe('meterflow');
    expect(c.command).toEqual(startCommand(s));
    expect(c.args).toBeUndefined();
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect({ probe, path: c[probe]?.httpGet?.path }).toEqual({ probe, path: s.healthPath });
      expect({ probe, port: portNumber(c, c[probe]?.httpGet?.port) }).toEqual({ probe, port: s.healthPort });
    }
    // Nothing moves the port away from where the probes look.
    expect(config[s.healthPortVariable]).toBeUndefined();
    expect((c.env ?? []).some((e: any) => e.name === s.healthPortVariable)).toBe(false);
    expect(podSpec(w).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(s.stopGraceSeconds);
  });

  it.each(services.map((s) => [s.name] as const))('%s runs as non-root, read-only, without privileges, with resource limits', (name) => {
    const w = workload(name);
    const c = containerOf(w);
    expect(podSpec(w).securityContext.runAsNonRoot).toBe(true);
    expect(podSpec(w).securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.resources.limits.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    expect(c.resources.requests.memory).toBeDefined();
  });

  it('bridges: a StatefulSet whose pod name is the stable MF_BRIDGE_ID, all in one share group', () => {
    const w = workload('bridge');
    expect(serviceNamed('bridge').scaling).toBe('stable-id');
    expect(w.kind).toBe('StatefulSet');
    const id = containerOf(w).env.find((e: any) => e.name === 'MF_BRIDGE_ID');
    expect(id?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(config.MF_BRIDGE_SHARE_GROUP).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(w.spec.replicas).toBeGreaterThanOrEqual(2);
    const headless = find('Service', w.spec.serviceName);
    expect(headless?.spec.clusterIP).toBe('None');
    expect(config.MF_MQTT_URL).toBe('mqtt://mosquitto:1883');
  });

  it('Kafka consumers (sink, processors): Deployments with replicas <= MF_KAFKA_PARTITIONS', () => {
    const partitions = Number(config.MF_KAFKA_PARTITIONS);
    expect(Number.isInteger(partitions) && partitions > 0).toBe(true);
    const consumers = services.filter((s) => s.scaling === 'partitions');
    expect(consumers.map((s) => s.name).sort()).toEqual(['processors', 'sink']);
    for (const s of consumers) {
      const w = workload(s.name);
      expect(w.kind).toBe('Deployment');
      expect(w.spec.replicas).toBeGreaterThanOrEqual(1);
      expect(w.spec.replicas).toBeLessThanOrEqual(partitions);
    }
    // The broker's default for topics created elsewhere is at least as large.
    expect(find('Kafka', 'meterflow')?.spec.kafka.config['num.partitions']).toBeGreaterThanOrEqual(partitions);
  });

  it('GraphQL: behind a Service and an Ingress on its port', () => {
    const w = workload('graphql');
    expect(w.kind).toBe('Deployment');
    const ingress = find('Ingress', 'graphql');
    const backend = ingress?.spec.rules[0].http.paths[0].backend.service;
    const svc = find('Service', backend.name);
    const port = svc?.spec.ports.find((p: any) => p.name === backend.port.name || p.port === backend.port.number);
    expect(portNumber(containerOf(w), port.targetPort)).toBe(serviceNamed('graphql').healthPort);
    expect(ingress?.spec.tls?.length).toBeGreaterThan(0);
  });

  it('the ConfigMap and the env names are the services\' own variables (core/config/env-spec.ts)', () => {
    const names = new Set(Object.keys(config));
    for (const w of workloads) for (const c of podSpec(w).containers) for (const e of c.env ?? []) if (e.name.startsWith('MF_')) names.add(e.name);
    expect([...names].filter((n) => !declared.has(n)).sort()).toEqual([]);
    for (const v of envVariables.filter((x) => x.parser === 'int')) if (config[v.name] !== undefined) expect(config[v.name]).toMatch(/^\d+$/);
  });
});

describe('deploy/k8s: references resolve', () => {
  it('every ConfigMap, Secret and volume claim a pod uses exists, with the keys it asks for', () => {
    const problems: string[] = [];
    const keysOf = (kind: string, name: string): string[] | null => {
      const m = find(kind, name);
      return m ? Object.keys({ ...(m.data ?? {}), ...(m.stringData ?? {}) }) : null;
    };
    for (const w of workloads) {
      const spec = podSpec(w);
      const claims = new Set((w.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name));
      for (const c of spec.containers) {
        for (const e of c.env ?? []) {
          for (const [kind, ref] of [['ConfigMap', e.valueFrom?.configMapKeyRef], ['Secret', e.valueFrom?.secretKeyRef]] as const) {
            if (!ref) continue;
            const keys = keysOf(kind, ref.name);
            if (!keys?.includes(ref.key)) problems.push(`${w.metadata.name}: ${kind} ${ref.name} has no key ${ref.key}`);
          }
        }
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef && !keysOf('ConfigMap', from.configMapRef.name)) problems.push(`${w.metadata.name}: no ConfigMap ${from.configMapRef.name}`);
          if (from.secretRef && !keysOf('Secret', from.secretRef.name)) problems.push(`${w.metadata.name}: no Secret ${from.secretRef.name}`);
        }
        const volumes = new Set([...(spec.volumes ?? []).map((v: any) => v.name), ...claims]);
        for (const mount of c.volumeMounts ?? []) if (!volumes.has(mount.name)) problems.push(`${w.metadata.name}: mount of unknown volume ${mount.name}`);
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap && !v.configMap.optional) {
          const keys = keysOf('ConfigMap', v.configMap.name);
          if (!keys) problems.push(`${w.metadata.name}: no ConfigMap ${v.configMap.name}`);
          for (const item of v.configMap.items ?? []) if (!keys?.includes(item.key)) problems.push(`${w.metadata.name}: ConfigMap ${v.configMap.name} has no key ${item.key}`);
        }
        if (v.secret && !v.secret.optional && !keysOf('Secret', v.secret.secretName)) problems.push(`${w.metadata.name}: no Secret ${v.secret.secretName}`);
        if (v.persistentVolumeClaim && !find('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) problems.push(`${w.metadata.name}: no claim ${v.persistentVolumeClaim.claimName}`);
      }
    }
    for (const ingress of applied.filter((m) => m.kind === 'Ingress')) {
      for (const tls of ingress.spec.tls ?? []) if (!find('Secret', tls.secretName)) problems.push(`Ingress ${ingress.metadata.name}: no Secret ${tls.secretName}`);
    }
    expect(problems).toEqual([]);
  });

  it('selectors match their pod labels; Services point at named container ports that exist', () => {
    const problems: string[] = [];
    for (const w of workloads) {
      const labels = w.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(w.spec.selector.matchLabels)) if (labels[k] !== v) problems.push(`${w.metadata.name}: selector ${k}=${String(v)}`);
    }
    for (const svc of applied.filter((m) => m.kind === 'Service')) {
      const targets = workloads.filter((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
      if (targets.length === 0) problems.push(`Service ${svc.metadata.name} selects no pods`);
      for (const p of svc.spec.ports) for (const w of targets) if (portNumber(containerOf(w), p.targetPort ?? p.port) === undefined) problems.push(`Service ${svc.metadata.name}: ${w.metadata.name} has no port ${String(p.targetPort)}`);
    }
    for (const pdb of applied.filter((m) => m.kind === 'PodDisruptionBudget')) {
      if (!workloads.some((w) => Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => w.spec.template.metadata.labels[k] === v))) problems.push(`PDB ${pdb.metadata.name} selects no pods`);
    }
    for (const ingress of applied.filter((m) => m.kind === 'Ingress')) {
      for (const rule of ingress.spec.rules) for (const p of rule.http.paths) if (!find('Service', p.backend.service.name)) problems.push(`Ingress ${ingress.metadata.name}: no Service ${p.backend.service.name}`);
    }
    expect(problems).toEqual([]);
  });

  it('the services reach Kafka through the Strimzi bootstrap Service of the Kafka resource', () => {
    const kafka = find('Kafka', 'meterflow') as Manifest;
    const plain = kafka.spec.kafka.listeners.find((l: any) => l.tls === false);
    expect(config.MF_KAFKA_BROKERS).toBe(`${kafka.metadata.name}-kafka-bootstrap:${plain.port}`);
    expect(config.MF_QUESTDB_PG_HOST).toBe('questdb');
    expect(find('Service', 'questdb')?.spec.ports.map((p: any) => p.port).sort()).toEqual([8812, 9000]);
    expect(config.MF_QUESTDB_HTTP_URL).toBe('http://questdb:9000');
  });
});

describe('deploy/k8s: servers', () => {
  it('Strimzi Kafka: KRaft node pools, the stack\'s Kafka version, replication that survives a broker', () => {
    const kafka = find('Kafka', 'meterflow') as Manifest;
    const pool = find('KafkaNodePool', 'dual-role') as Manifest;
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1beta2');
    expect(kafka.metadata.annotations).toEqual({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
    expect(kafka.spec.kafka.version).toBe(KAFKA_VERSION);
    expect(kafka.spec.kafka.metadataVersion).toMatch(new RegExp(`^${KAFKA_VERSION.split('.').slice(0, 2).join('\\.')}-IV\\d+$`));
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
    expect([...pool.spec.roles].sort()).toEqual(['broker', 'controller']);
    expect(pool.spec.replicas).toBeGreaterThanOrEqual(3);
    const c = kafka.spec.kafka.config;
    for (const key of ['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      expect(c[key]).toBeLessThanOrEqual(pool.spec.replicas);
      expect(c[key]).toBeGreaterThan(c['min.insync.replicas']);
    }
    expect(c['auto.create.topics.enable']).toBe(false);
    for (const l of kafka.spec.kafka.listeners) expect(l).toEqual({ name: expect.stringMatching(/^[a-z0-9]{1,11}$/), port: expect.any(Number), type: expect.stringMatching(/^(internal|route|loadbalancer|nodeport|ingress|cluster-ip)$/), tls: expect.any(Boolean) });
    expect(pool.spec.storage.volumes[0]).toMatchObject({ type: 'persistent-claim', deleteClaim: false });
  });

  it('QuestDB: a StatefulSet of the stack\'s version on a volume, probed on its health port, with the read-only account', () => {
    const w = workload('questdb');
    expect(w.kind).toBe('StatefulSet');
    expect(w.spec.replicas).toBe(1);
    const c = containerOf(w);
    expect(c.image).toBe(`questdb/questdb:${QUESTDB_VERSION}`);
    const claim = w.spec.volumeClaimTemplates[0];
    expect(c.volumeMounts).toContainEqual({ name: claim.metadata.name, mountPath: '/var/lib/questdb' });
    for (const probe of ['readinessProbe', 'livenessProbe']) expect(portNumber(c, c[probe].httpGet.port)).toBe(9003);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
    expect(env.QDB_PG_READONLY_USER_ENABLED.value).toBe('true');
    expect(env.QDB_PG_READONLY_USER.valueFrom.configMapKeyRef.key).toBe('MF_QUESTDB_READONLY_USER');
    expect(env.QDB_PG_PASSWORD.valueFrom.secretKeyRef.key).toBe('MF_QUESTDB_PG_PASSWORD');
  });

  it('Mosquitto: the compose broker.sh and mosquitto.conf verbatim, one replica on volumes, TLS for devices', () => {
    const cm = find('ConfigMap', 'mosquitto-config')?.data as Record<string, string>;
    expect(cm['broker.sh']).toBe(readRepoFile('deploy/compose/mosquitto/broker.sh'));
    expect(cm['mosquitto.conf']).toBe(readRepoFile('deploy/compose/mosquitto/mosquitto.conf'));
    expect(cm['tls.conf']).toMatch(/^listener 8883$/m);
    const w = workload('mosquitto');
    expect(w.spec.replicas).toBe(1);
    const c = containerOf(w);
    expect(c.command).toEqual(['/bin/sh', '/meterflow/broker.sh', 'start']);
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    const claims = w.spec.volumeClaimTemplates.map((t: any) => t.metadata.name);
    expect(claims).toContain(mounts['/mosquitto/accounts']);
    expect(claims).toContain(mounts['/mosquitto/data']);
    expect(mounts['/meterflow']).toBe('config');
    const devices = find('Service', 'mosquitto-devices');
    expect(devices?.spec.ports.map((p: any) => p.port)).toEqual([8883]);
  });

  it('Grafana: the provisioning files of deploy/grafana verbatim, and every variable they use is set', () => {
    expect(find('ConfigMap', 'grafana-datasources')?.data['questdb.yaml']).toBe(readRepoFile('deploy/grafana/provisioning/datasources/questdb.yaml'));
    expect(find('ConfigMap', 'grafana-dashboard-providers')?.data['meterflow.yaml']).toBe(readRepoFile('deploy/grafana/provisioning/dashboards/meterflow.yaml'));
    const c = containerOf(workload('grafana'));
    const env = new Set(c.env.map((e: any) => e.name));
    for (const use of variableUses(readRepoFile('deploy/grafana/provisioning/datasources/questdb.yaml'))) expect({ name: use.name, set: env.has(use.name) }).toEqual({ name: use.name, set: true });
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    const providerPath = /path:\s*(\S+)/.exec(readRepoFile('deploy/grafana/provisioning/dashboards/meterflow.yaml'))?.[1] as string;
    expect(mounts[providerPath]).toBe('dashboards');
    expect(mounts['/etc/grafana/provisioning/datasources']).toBe('datasources');
    for (const probe of ['readinessProbe', 'livenessProbe']) expect(c[probe].httpGet.path).toBe('/api/health');
  });
});

describe('k8s production defaults (docs/operations.md)', () => {
  it('every service runs in production mode and listens on the pod IP for probes and Prometheus', () => {
    expect(config.MF_MODE).toBe('production');
    expect(config.MF_HTTP_HOST).toBe('0.0.0.0');
  });

  it('the bridge limits each meter\'s message rate', () => {
    expect(Number(config.MF_BRIDGE_METER_RATE_LIMIT)).toBeGreaterThan(0);
  });
});
