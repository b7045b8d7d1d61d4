// Offline validation of infra/k8s: every overlay is rendered with `kubectl kustomize` (no cluster),
// every object is validated against its OpenAPI schema (kubernetes-models, KEDA and Strimzi
// models) and held to Sawmill's rules (infra/deploy/k8s-rules.ts). Broken copies of the tree prove
// that each check really fails on the mistake it is meant to catch.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { agentConfigSchema } from '../../agent/config.js';
import { apiConfigSchema } from '../../api/config.js';
import { canaryConfigSchema } from '../../canary/config.js';
import { demoCommandConfigSchema } from '../../bin/commands/demo.js';
import { topicsConfigSchema } from '../../bin/commands/topics.js';
import { describeConfig, loadConfig } from '../../lib/config.js';
import { notifierConfigSchema } from '../../notifier/config.js';
import { streamConfigSchema } from '../../processors/pipeline-config.js';
import { registryConfigSchema } from '../../schemas/registry/config.js';
import { sinkCommandConfigSchema } from '../../sinks/runner/sink-catalog.js';
import { unknownFieldProblems } from './k8s-known-fields.js';
import { manifestProblems, type OverlayRules } from './k8s-rules.js';
import { schemaProblems } from './k8s-schema.js';
import { parseObjects, REPO_ROOT, renderers, renderObjects, type K8sObject, type Renderer } from './kustomize-render.js';

const K8S_DIR = join(REPO_ROOT, 'infra/k8s');

const OVERLAYS: readonly OverlayRules[] = [
  { name: 'kind', secrets: 'generated', inClusterStores: true },
  { name: 'prod', secrets: 'external', inClusterStores: false },
];

/** The kinds each overlay must render, with their counts. */
const EXPECTED_KINDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  kind: { Deployment: 9, DaemonSet: 1, StatefulSet: 3, Job: 1, HorizontalPodAutoscaler: 1, ScaledObject: 3, PodDisruptionBudget: 6, Kafka: 1, KafkaNodePool: 1, Secret: 1, NetworkPolicy: 8 },
  prod: { Deployment: 7, DaemonSet: 1, StatefulSet: 0, Job: 1, HorizontalPodAutoscaler: 1, ScaledObject: 3, PodDisruptionBudget: 6, Kafka: 0, KafkaNodePool: 0, Secret: 0, NetworkPolicy: 4 },
};

/** Each command's config schema (keyed by `sawmill` args, `sink <name>` as `sink-<name>`): its SAWMILL_<PREFIX>__ variables are checked against it. */
const CONFIG_OF_COMMAND: Readonly<Record<string, { prefix: string; schema: z.ZodObject }>> = {
  registry: { prefix: 'registry', schema: registryConfigSchema },
  topics: { prefix: 'topics', schema: topicsConfigSchema },
  demo: { prefix: 'demo', schema: demoCommandConfigSchema },
  agent: { prefix: 'agent', schema: agentConfigSchema },
  stream: { prefix: 'stream', schema: streamConfigSchema },
  'sink-opensearch': { prefix: 'sink_opensearch', schema: sinkCommandConfigSchema('opensearch') },
  'sink-postgres': { prefix: 'sink_postgres', schema: sinkCommandConfigSchema('postgres') },
  notifier: { prefix: 'notifier', schema: notifierConfigSchema },
  api: { prefix: 'api', schema: apiConfigSchema },
  canary: { prefix: 'canary', schema: canaryConfigSchema },
};

/** The CONFIG_OF_COMMAND key of a container's args. */
function commandOf(args: readonly string[] | undefined): string {
  return args?.[0] === 'sink' ? `sink-${args[1] ?? ''}` : (args?.[0] ?? '');
}

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

function containers(objects: readonly K8sObject[]): { owner: string; container: Container }[] {
  return objects.flatMap((o) => {
    const pod = ((o.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template?.spec?.containers ?? []);
    return pod.map((container) => ({ owner: `${o.kind}/${o.metadata.name}`, container }));
  });
}

function countKinds(objects: readonly K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

/** All problems of a rendered overlay: schema first, then Sawmill's rules. */
function allProblems(objects: readonly K8sObject[], rules: OverlayRules): string[] {
  return [...objects.flatMap(schemaProblems), ...manifestProblems(objects, rules)];
}

const available = renderers();

for (const renderer of available) {
  describe(`infra/k8s rendered with kubectl ${renderer.version}`, function () {
    // Each render runs kubectl: well under a second, more on a loaded machine.
    this.timeout(30_000);
    for (const overlay of OVERLAYS) {
      describe(`overlay ${overlay.name}`, () => {
        let objects: K8sObject[] = [];
        before(() => {
          objects = renderObjects(renderer, join(K8S_DIR, 'overlays', overlay.name));
        });

        it('renders the expected objects', () => {
          const counts = countKinds(objects);
          for (const [kind, n] of Object.entries(EXPECTED_KINDS[overlay.name] ?? {})) expect(counts[kind] ?? 0, kind).to.equal(n);
          expect(objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'sawmill'), 'every object in namespace sawmill').to.equal(true);
        });

        it('validates every object against its Kubernetes OpenAPI schema', () => {
          expect(objects.flatMap(schemaProblems)).to.deep.equal([]);
        });

        it("holds Sawmill's rules (probes, rollouts, PDBs, spread, autoscaling bounds, secrets, references)", () => {
          expect(manifestProblems(objects, overlay)).to.deep.equal([]);
        });

        it('sets only config keys that the Sawmill commands know', () => {
          let checked = 0;
          for (const { owner, container } of containers(objects)) {
            // Third-party images (stores, maildev) have their own configuration.
            if (!/(^|\/)sawmill[:@]/.test(container.image ?? '')) continue;
            const config = CONFIG_OF_COMMAND[commandOf(container.args)];
            expect(config, `${owner} ${container.name}: a Sawmill command with a known config schema`).to.not.equal(undefined);
            if (config === undefined) continue;
            const known = new Set(describeConfig(config.schema, { envPrefix: config.prefix }).flatMap((d) => (d.env === undefined ? [] : [d.env])));
            const prefix = `SAWMILL_${config.prefix.toUpperCase()}__`;
            for (const env of container.env ?? []) {
              if (!env.name.startsWith(prefix)) continue;
              expect(known, `${owner} ${container.name}: ${env.name} is not a key of sawmill ${config.prefix}`).to.include(env.name);
              checked++;
            }
          }
          expect(checked).to.be.above(30);
        });

        it('gives every agent a config file that `sawmill agent` loads', () => {
          const agents = containers(objects).filter(({ container }) => container.args?.[0] === 'agent');
          // The node agents, the canary's sidecar, and in kind the demo's sidecar.
          expect(agents.length).to.equal(overlay.name === 'kind' ? 3 : 2);
          const dir = mkdtempSync(join(tmpdir(), 'sawmill-agent-config-'));
          try {
            for (const { owner, container } of agents) {
              const args = container.args ?? [];
              expect(args.slice(1, 3), owner).to.deep.equal(['--config', '/etc/sawmill/agent.yaml']);
              const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && typeof (o.data as Record<string, string> | undefined)?.['agent.yaml'] === 'string');
              const owned = configMaps.find((cm) => JSON.stringify(objects.find((o) => `${o.kind}/${o.metadata.name}` === owner)).includes(`"name":"${cm.metadata.name}"`));
              expect(owned, `${owner} mounts an agent.yaml ConfigMap`).to.not.equal(undefined);
              const file = join(dir, 'agent.yaml');
              writeFileSync(file, (owned?.data as Record<string, string>)['agent.yaml'] as string);
              // valueFrom variables get a stand-in of the right shape.
              const env: Record<string, string> = {};
              for (const e of container.env ?? []) env[e.name] = e.value ?? (e.name.endsWith('BROKERS') ? 'kafka:9092' : e.name.endsWith('URL') ? 'http://registry:8081' : 'node-1');
              const config = loadConfig(agentConfigSchema, { file, envPrefix: 'agent', env });
              expect(config.sources.length, owner).to.be.above(0);
              expect(config.metricsHost, owner).to.equal('0.0.0.0');
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });

        it('runs the canary in file mode, writing where the agent of its own pod tails, and lets it reach OpenSearch', () => {
          const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'canary');
          expect(deployment, 'Deployment/canary').to.not.equal(undefined);
          const [problems, facts] = canaryWiring(objects, deployment as K8sObject);
          expect(problems).to.deep.equal([]);
          expect(facts.openSearchUrl).to.equal(overlay.name === 'kind' ? 'http://opensearch.sawmill.svc:9200' : 'http://opensearch.opensearch.svc:9200');
          // Prometheus scrapes its metrics port; in kind, OpenSearch runs in the namespace and must let it in.
          const scrape = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'metrics-scrape');
          expect(JSON.stringify(scrape?.spec)).to.include('"port":9407');
          if (overlay.inClusterStores) {
            const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec).includes('"app.kubernetes.io/name":"opensearch"'));
            expect(policies.map((p) => JSON.stringify(p.spec)).some((text) => /"values":\[[^\]]*"canary"/.test(text)), 'a policy lets the canary reach OpenSearch').to.equal(true);
          }
        });
      });
    }
  });
}

interface CanaryContainer extends Container {
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

/**
 * How the canary's line reaches an agent: its config (SAWMILL_CANARY__* over the defaults) must be
 * file mode, the file's directory a volume shared with an `agent` container of the same pod whose
 * config tails that file. Returns the problems, and the OpenSearch URL the canary searches.
 */
function canaryWiring(objects: readonly K8sObject[], deployment: K8sObject): [string[], { openSearchUrl: string | undefined }] {
  const problems: string[] = [];
  const pod = (deployment.spec as { template: { spec: { containers: CanaryContainer[]; volumes?: { name: string; configMap?: { name: string }; emptyDir?: unknown }[] } } }).template.spec;
  const canary = pod.containers.find((c) => c.name === 'canary');
  const agent = pod.containers.find((c) => c.args?.[0] === 'agent');
  if (canary === undefined || agent === undefined) return [[`the canary pod needs a canary and an agent container, has ${pod.containers.map((c) => c.name).join(', ')}`], { openSearchUrl: undefined }];
  const endpoints = objects.find((o) => o.kind === 'ConfigMap' && /^sawmill-endpoints-[a-z0-9]{10}$/.test(o.metadata.name));
  const env: Record<string, string> = {};
  for (const e of canary.env ?? []) {
    const ref = (e.valueFrom as { configMapKeyRef?: { key: string } } | undefined)?.configMapKeyRef;
    env[e.name] = e.value ?? String((endpoints?.data as Record<string, string> | undefined)?.[ref?.key ?? ''] ?? 'unresolved');
  }
  const config = loadConfig(canaryConfigSchema, { envPrefix: 'canary', env });
  if (config.write.mode !== 'file') problems.push(`the canary writes in ${config.write.mode} mode, which no agent of the cluster receives`);
  const path = config.write.path;
  const mountOf = (container: CanaryContainer): { name: string; mountPath: string } | undefined =>
    (container.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  const written = mountOf(canary);
  const read = mountOf(agent);
  if (written === undefined) problems.push(`the canary's file ${path} is on no volume (the root filesystem is read-only)`);
  else if (pod.volumes?.find((v) => v.name === written.name)?.emptyDir === undefined) problems.push(`the canary's file is on volume ${written.name}, not an emptyDir of the pod`);
  if (written !== undefined && (read === undefined || read.name !== written.name || read.mountPath !== written.mountPath)) problems.push(`the agent does not mount volume ${written.name} at the canary's path`);
  const configMapName = pod.volumes?.find((v) => v.configMap !== undefined && (agent.volumeMounts ?? []).some((m) => m.name === v.name && m.mountPath === '/etc/sawmill'))?.configMap?.name;
  const agentYaml = (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName)?.data as Record<string, string> | undefined)?.['agent.yaml'];
  if (agentYaml === undefined) {
    problems.push('the agent of the canary pod has no agent.yaml');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sawmill-canary-agent-'));
    try {
      writeFileSync(join(dir, 'agent.yaml'), agentYaml);
      const agentConfig = loadConfig(agentConfigSchema, { file: join(dir, 'agent.yaml'), envPrefix: 'agent', env: {} });
      const tailed = agentConfig.sources.filter((source) => source.type === 'file').flatMap((source) => source.include);
      // The globs are `<dir>/*.log` and `<dir>/*.log.1`: the file and its rotated predecessor.
      const matchesGlob = (file: string): boolean => tailed.some((glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(file));
      if (!matchesGlob(path)) problems.push(`the agent tails ${tailed.join(', ')}, not the canary's file ${path}`);
      if (!matchesGlob(`${path}.1`)) problems.push(`the agent does not tail the canary's rotated file ${path}.1`);
      const labelled = agentConfig.sources.find((source) => source.type === 'file' && source.include.some((glob) => path.startsWith(glob.slice(0, glob.lastIndexOf('/') + 1))));
      if (labelled?.labels['service'] !== config.service) problems.push(`the agent labels the canary's lines service=${String(labelled?.labels['service'])}, not ${config.service}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [problems, { openSearchUrl: config.opensearch.node }];
}

describe('infra/k8s/kind/cluster.yaml', function () {
  this.timeout(30_000);
  interface KindNode {
    role: string;
    extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[];
  }
  const cluster = parse(readFileSync(join(K8S_DIR, 'kind/cluster.yaml'), 'utf8')) as { kind: string; apiVersion: string; nodes: KindNode[] };

  it('has one control plane and two workers', () => {
    expect(cluster.kind).to.equal('Cluster');
    expect(cluster.apiVersion).to.equal('kind.x-k8s.io/v1alpha4');
    expect(cluster.nodes.map((n) => n.role)).to.deep.equal(['control-plane', 'worker', 'worker']);
  });

  it('maps every NodePort of the kind overlay to the host loopback, the API on 8080', () => {
    const renderer = available[0] as Renderer;
    const objects = renderObjects(renderer, join(K8S_DIR, 'overlays/kind'));
    const nodePorts = objects
      .filter((o) => o.kind === 'Service' && (o.spec as { type?: string }).type === 'NodePort')
      .flatMap((o) => (o.spec as { ports: { nodePort?: number; port: number }[] }).ports.map((p) => [o.metadata.name, p.port, p.nodePort]));
    expect(nodePorts).to.deep.equal([['api', 8080, 30080]]);
    const mappings = cluster.nodes.flatMap((n) => n.extraPortMappings ?? []);
    expect(mappings.map((m) => [m.containerPort, m.hostPort, m.listenAddress])).to.deep.equal([[30080, 8080, '127.0.0.1']]);
  });
});

describe('infra/k8s/drills/drill-source.yaml', () => {
  const objects = parseObjects(readFileSync(join(K8S_DIR, 'drills/drill-source.yaml'), 'utf8'));
  interface DrillContainer {
    name: string;
    args?: string[];
    env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  }
  interface DrillPod {
    spec: { restartPolicy: string; containers: DrillContainer[] };
  }
  const pod = objects.find((o) => o.kind === 'Pod') as (K8sObject & DrillPod) | undefined;

  it('is valid against the schemas, in namespace sawmill', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['ConfigMap/drill-source-agent', 'Pod/drill-source']);
    expect(objects.flatMap(schemaProblems)).to.deep.equal([]);
    expect(objects.every((o) => o.metadata.namespace === 'sawmill')).to.equal(true);
  });

  it('writes a bounded number of lines once, shipped under the pod uid as agent id', () => {
    expect(pod?.spec.restartPolicy).to.equal('Never');
    const demo = pod?.spec.containers.find((c) => c.name === 'demo');
    expect(demo?.env.find((e) => e.name === 'SAWMILL_DEMO__MAX_LINES')?.value).to.equal('20000');
    const agent = pod?.spec.containers.find((c) => c.name === 'agent');
    expect(agent?.env.find((e) => e.name === 'SAWMILL_AGENT__AGENT_ID')?.valueFrom?.fieldRef?.fieldPath).to.equal('metadata.uid');
  });

  it('sets only known config keys, and its agent config loads', () => {
    for (const container of pod?.spec.containers ?? []) {
      const config = CONFIG_OF_COMMAND[commandOf(container.args)];
      expect(config, container.name).to.not.equal(undefined);
      const known = new Set(describeConfig(config?.schema as z.ZodObject, { envPrefix: config?.prefix ?? '' }).flatMap((d) => (d.env === undefined ? [] : [d.env])));
      for (const env of container.env ?? []) expect(known, `${container.name}: ${env.name}`).to.include(env.name);
    }
    const dir = mkdtempSync(join(tmpdir(), 'sawmill-drill-config-'));
    try {
      const file = join(dir, 'agent.yaml');
      writeFileSync(file, (objects[0]?.data as Record<string, string>)['agent.yaml'] as string);
      const config = loadConfig(agentConfigSchema, { file, envPrefix: 'agent', env: { SAWMILL_AGENT__AGENT_ID: 'uid-1' } });
      expect(config.sources.map((source) => source.id)).to.deep.equal(['drill']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fields unknown to the Kubernetes API (TypeScript interfaces of the same models)', function () {
  // One TypeScript program over every rendered object: seconds, not milliseconds.
  this.timeout(120_000);
  const renderer = available[0] as Renderer;

  it('finds none in any overlay or drill', () => {
    const objects = [
      ...OVERLAYS.flatMap((overlay) => renderObjects(renderer, join(K8S_DIR, 'overlays', overlay.name))),
      ...parseObjects(readFileSync(join(K8S_DIR, 'drills/drill-source.yaml'), 'utf8')),
    ];
    expect(objects.length).to.be.above(70);
    expect(unknownFieldProblems(objects)).to.deep.equal([]);
  });

  it('names a misspelt field (broken copy)', () => {
    const text = readFileSync(join(K8S_DIR, 'base/api.yaml'), 'utf8');
    expect(text).to.include('          readinessProbe:');
    const objects = parseObjects(text.replace('          readinessProbe:', '          readinesProbe:'));
    expect(unknownFieldProblems(objects)).to.deep.equal([
      `Deployment/api: Object literal may only specify known properties, and '"readinesProbe"' does not exist in type 'IContainer'.`,
    ]);
  });
});

describe('infra/k8s validation catches broken manifests', function () {
  this.timeout(30_000);
  const renderer = available[0] as Renderer;
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sawmill-k8s-broken-'));
    cpSync(K8S_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Replaces one exact piece of a copied file; fails when the piece is gone, so the test cannot go stale. */
  function breakFile(relative: string, from: string, to: string): void {
    const file = join(dir, relative);
    const text = readFileSync(file, 'utf8');
    expect(text, `${relative} contains the text to break`).to.include(from);
    writeFileSync(file, text.replace(from, to));
  }
  function problemsOf(overlay: 'kind' | 'prod'): string[] {
    const rules = OVERLAYS.find((o) => o.name === overlay) as OverlayRules;
    return allProblems(renderObjects(renderer, join(dir, 'overlays', overlay)), rules);
  }

  it('finds no problem in the unbroken copy', () => {
    expect(problemsOf('kind')).to.deep.equal([]);
  });

  it('rejects a Deployment without its selector (schema)', () => {
    breakFile('base/stream.yaml', '  selector:\n    matchLabels:\n      app.kubernetes.io/name: stream\n', '');
    const problems = problemsOf('kind');
    expect(problems, problems.join('\n')).to.include('Deployment/stream: data/spec must have required property selector');
  });

  it('rejects a port that is not a number (schema)', () => {
    breakFile('base/notifier.yaml', 'containerPort: 9404', 'containerPort: metrics-port');
    expect(problemsOf('prod')).to.include('Deployment/notifier: data/spec/template/spec/containers/0/ports/0/containerPort must be integer');
  });

  it('rejects an HPA with minReplicas above maxReplicas', () => {
    breakFile('base/api.yaml', 'minReplicas: 2', 'minReplicas: 9');
    expect(problemsOf('kind')).to.include('HorizontalPodAutoscaler/api: minReplicas 9 is above maxReplicas 6');
  });

  it('rejects a ScaledObject above the partition count of its topic', () => {
    breakFile('base/stream.yaml', 'maxReplicaCount: 12', 'maxReplicaCount: 24');
    expect(problemsOf('kind')).to.include('ScaledObject/stream: maxReplicaCount 24 is above the 12 partitions of its topics: the extra consumers would sit idle');
  });

  it('rejects a ScaledObject on an undeclared topic or another consumer group', () => {
    breakFile('base/sink-opensearch.yaml', 'topic: logs.enriched', 'topic: logs.enrichd');
    breakFile('base/sink-postgres.yaml', 'consumerGroup: sawmill-sink-postgres-stats', 'consumerGroup: sawmill-sink-postgres');
    const problems = problemsOf('kind');
    expect(problems).to.include('ScaledObject/sink-opensearch trigger 0: topic logs.enrichd is not declared in lib/kafka/topics.ts');
    expect(problems).to.include('ScaledObject/sink-postgres trigger 1: consumerGroup sawmill-sink-postgres, expected sawmill-sink-postgres-stats');
  });

  it('rejects a KEDA bootstrap address that differs from the brokers the pods use', () => {
    breakFile('overlays/prod/scaled-object-stream.yaml', 'sawmill-kafka-bootstrap.kafka.svc:9092', 'sawmill-kafka-bootstrap:9092');
    expect(problemsOf('prod')).to.include('ScaledObject/stream trigger 0: bootstrapServers sawmill-kafka-bootstrap:9092 differs from KAFKA_BROKERS sawmill-kafka-bootstrap.kafka.svc:9092 of ConfigMap sawmill-endpoints');
  });

  it('rejects probes off /readyz, a rollout that drops capacity, and a missing PDB', () => {
    breakFile('base/sink-postgres.yaml', 'path: /readyz', 'path: /ready');
    breakFile('base/notifier.yaml', 'maxUnavailable: 0', 'maxUnavailable: 1');
    const kustomization = join(dir, 'base/kustomization.yaml');
    const problems = problemsOf('kind');
    expect(problems).to.include('Deployment/sink-postgres: readinessProbe must GET /readyz on port 9403');
    expect(problems).to.include('Deployment/notifier: rolling update must have maxUnavailable: 0');
    // A PDB left out of a Deployment's file.
    breakFile('base/api.yaml', 'kind: PodDisruptionBudget', 'kind: PodDisruptionBudgetX');
    expect(readFileSync(kustomization, 'utf8')).to.include('api.yaml');
    expect(problemsOf('kind')).to.include('Deployment/api: no PodDisruptionBudget selects its pods');
  });

  it('rejects a canary off its probes, with a second pod, or without its Deployment', () => {
    breakFile('base/canary.yaml', 'path: /readyz\n              port: metrics', 'path: /ready\n              port: metrics');
    breakFile('base/canary.yaml', '  replicas: 1\n', '  replicas: 2\n');
    const problems = problemsOf('prod');
    expect(problems).to.include('Deployment/canary container canary: readinessProbe must GET /readyz on port 9407');
    expect(problems).to.include('Deployment/canary: must run exactly one pod (replicas: 1), got 2');
    breakFile('base/kustomization.yaml', '  - canary.yaml\n', '');
    expect(problemsOf('kind')).to.include('missing Deployment/canary');
  });

  it('rejects a canary whose line no agent of its pod reads', () => {
    const wiring = (): string[] => {
      const objects = renderObjects(renderer, join(dir, 'overlays', 'prod'));
      return canaryWiring(objects, objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'canary') as K8sObject)[0];
    };
    expect(wiring()).to.deep.equal([]);
    breakFile('base/canary.yaml', '          - /var/lib/sawmill/canary/*.log.1\n', '');
    expect(wiring()).to.deep.equal(['the agent does not tail the canary\'s rotated file /var/lib/sawmill/canary/canary.log.1']);
    breakFile('base/canary.yaml', '            - name: canary-logs\n              mountPath: /var/lib/sawmill/canary\n              readOnly: true\n', '');
    expect(wiring()).to.deep.equal([
      'the agent does not mount volume canary-logs at the canary\'s path',
      'the agent does not tail the canary\'s rotated file /var/lib/sawmill/canary/canary.log.1',
    ]);
  });

  it('rejects a committed secret value and a Secret in the prod overlay', () => {
    breakFile('overlays/kind/kustomization.yaml', 'password=kind-only-postgres-password', 'password=hunter2-real');
    expect(problemsOf('kind').some((p) => /^Secret\/sawmill-postgres-[a-z0-9]+: key password is not a kind-only placeholder/.test(p))).to.equal(true);
    writeFileSync(join(dir, 'overlays/prod/kustomization.yaml'), `${readFileSync(join(dir, 'overlays/prod/kustomization.yaml'), 'utf8')}\nsecretGenerator:\n  - name: sawmill-smtp\n    literals:\n      - password=oops\n`);
    expect(problemsOf('prod').some((p) => /^Secret\/sawmill-smtp-[a-z0-9]+: overlay prod must not carry a Secret/.test(p))).to.equal(true);
  });

  it('rejects a Kafka that could not lose a broker', () => {
    breakFile('overlays/kind/kafka.yaml', 'replicas: 3', 'replicas: 2');
    expect(problemsOf('kind')).to.include('Kafka/sawmill: 2 brokers, fewer than the replication factor 3 of lib/kafka/topics.ts');
  });

  it('fails to render a kustomization that names a missing file', () => {
    breakFile('base/kustomization.yaml', '  - notifier.yaml\n', '  - notifer.yaml\n');
    expect(() => problemsOf('kind')).to.throw(/kubectl kustomize .* failed/);
  });
});
