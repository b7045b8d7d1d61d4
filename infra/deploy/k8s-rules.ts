// Sawmill's own rules for its rendered Kubernetes manifests, beyond what the OpenAPI schemas can
// say: probes on the shared ports, rollouts that never drop capacity, disruption budgets, spread,
// autoscalers whose bounds make sense (KEDA never above the partition count of the topic it
// follows), references that resolve, and no committed secret. Each problem is one line naming
// the object, so a failing test says what to fix.
import { SAWMILL_TOPICS } from '../../lib/kafka/topics.js';
import { objectId } from './k8s-schema.js';
import type { K8sObject } from './kustomize-render.js';
import { CONSUMER_GROUPS, SAWMILL_SERVICES } from './sawmill-services.js';

/** How an overlay gets its Secrets. */
export interface OverlayRules {
  /** Overlay name, for messages. */
  readonly name: string;
  /**
   * `generated`: every referenced Secret is in the render (except CREATED_AT_DEPLOY ones and
   * optional references) and holds only placeholder values (they start with `kind-only`);
   * `external`: the render holds no Secret at all and references only the ones
   * docs/operations.md tells how to create.
   */
  readonly secrets: 'generated' | 'external';
  /** True when Kafka (Strimzi) and the stores run inside the overlay. */
  readonly inClusterStores: boolean;
}

/** Secrets created outside Git, name -> keys (docs/operations.md shows the commands). */
export const EXTERNAL_SECRETS: Readonly<Record<string, readonly string[]>> = {
  'sawmill-postgres': ['password'],
  'sawmill-api-auth': ['auth.yaml'],
  'sawmill-smtp': ['user', 'password'],
};

/** Secrets no overlay renders, even kind: generated per cluster (infra/k8s/kind/deploy.sh runs infra/deploy/api-auth.sh). */
export const CREATED_AT_DEPLOY: readonly string[] = ['sawmill-api-auth'];

/** The Deployments every overlay must have, each with rolling updates, a PDB and spread. */
export const REQUIRED_DEPLOYMENTS = ['api', 'registry', 'stream', 'sink-opensearch', 'sink-postgres', 'notifier'] as const;

/**
 * Deployments that run one pod by design (a probe, not a service): every overlay has them, each of
 * their Sawmill containers is held to the container rules, and a rollout starts the new pod before
 * the old one goes; no PDB or spread, which mean nothing for one pod.
 */
export const SINGLE_POD_DEPLOYMENTS = ['canary'] as const;

/** The Deployments KEDA scales on consumer lag. */
export const KEDA_SCALED = ['stream', 'sink-opensearch', 'sink-postgres'] as const;

/** Shorthand for reading nested fields of parsed YAML. */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function podSpecOf(workload: K8sObject): Json {
  return obj(obj(obj(workload.spec).template).spec);
}
function podLabelsOf(workload: K8sObject): Json {
  return obj(obj(obj(obj(workload.spec).template).metadata).labels);
}
function containersOf(workload: K8sObject): Json[] {
  const pod = podSpecOf(workload);
  return [...arr(pod.initContainers), ...arr(pod.containers)].map(obj);
}
function matches(selector: Json, labels: Json): boolean {
  const matchLabels = obj(selector.matchLabels);
  const expressions = arr(selector.matchExpressions).map(obj);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  const labelsOk = Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
  const exprOk = expressions.every((e) => {
    const value = labels[String(e.key)];
    const values = arr(e.values);
    switch (e.operator) {
      case 'In':
        return values.includes(value);
      case 'NotIn':
        return !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return labelsOk && exprOk;
}
function probePort(container: Json, probe: Json): number | undefined {
  const port = obj(probe.httpGet).port;
  if (typeof port === 'number') return port;
  const named = arr(container.ports).map(obj).find((p) => p.name === port);
  return typeof named?.containerPort === 'number' ? named.containerPort : undefined;
}
function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}
/** A generated ConfigMap or Secret keeps its name as a prefix before `-<hash>`. */
function findGenerated(objects: readonly K8sObject[], kind: string, name: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (o.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name)));
}
function baseName(name: string): string {
  return name.replace(/-[a-z0-9]{10}$/, '');
}

/** Checks a Sawmill service's container: command, port, probes, resources, hardening. */
function sawmillContainerProblems(id: string, name: string, container: Json | undefined): string[] {
  const problems: string[] = [];
  const service = SAWMILL_SERVICES[name];
  if (service === undefined) return [];
  if (container === undefined) return [`${id}: no container named ${name}`];
  const args = arr(container.args).map(String);
  if (service.command.some((part, i) => args[i] !== part)) problems.push(`${id}: args ${JSON.stringify(args)} do not start with \`sawmill ${service.command.join(' ')}\``);
  const ports = arr(container.ports).map(obj);
  if (!ports.some((p) => p.containerPort === service.port)) problems.push(`${id}: does not expose its port ${service.port}`);
  const readiness = obj(container.readinessProbe);
  const liveness = obj(container.livenessProbe);
  if (obj(readiness.httpGet).path !== '/readyz' || probePort(container, readiness) !== service.port) problems.push(`${id}: readinessProbe must GET /readyz on port ${service.port}`);
  if (obj(liveness.httpGet).path !== '/healthz' || probePort(container, liveness) !== service.port) problems.push(`${id}: livenessProbe must GET /healthz on port ${service.port}`);
  const resources = obj(container.resources);
  if (obj(resources.requests).cpu === undefined || obj(resources.requests).memory === undefined) problems.push(`${id}: needs cpu and memory requests`);
  if (obj(resources.limits).memory === undefined) problems.push(`${id}: needs a memory limit`);
  if (str(container.image) === undefined) problems.push(`${id}: container ${name} has no image`);
  const security = obj(container.securityContext);
  if (security.readOnlyRootFilesystem !== true) problems.push(`${id}: container ${name} must have a read-only root filesystem`);
  return problems;
}

function workloadProblems(objects: readonly K8sObject[], workload: K8sObject): string[] {
  const id = objectId(workload);
  const problems: string[] = [];
  const spec = obj(workload.spec);
  const labels = podLabelsOf(workload);
  if (workload.kind !== 'Job' && !matches(obj(spec.selector), labels)) problems.push(`${id}: selector does not match the pod template labels`);
  const pod = podSpecOf(workload);
  const isAgent = workload.kind === 'DaemonSet' && workload.metadata.name === 'agent';
  for (const container of containersOf(workload)) {
    const cid = `${id} container ${String(container.name)}`;
    const image = str(container.image) ?? '';
    if (image === '' || (!image.includes('@sha256:') && !/:[^/:]+$/.test(image))) problems.push(`${cid}: image ${image} has no tag or digest`);
    if (/:latest$/.test(image)) problems.push(`${cid}: image ${image} uses the latest tag`);
    const security = obj(container.securityContext);
    if (security.allowPrivilegeEscalation !== false) problems.push(`${cid}: allowPrivilegeEscalation must be false`);
    if (!arr(obj(security.capabilities).drop).includes('ALL')) problems.push(`${cid}: must drop ALL capabilities`);
    const nonRoot = security.runAsNonRoot ?? obj(pod.securityContext).runAsNonRoot;
    if (!isAgent && nonRoot !== true) problems.push(`${cid}: must run as non-root (runAsNonRoot: true)`);
    // Every referenced ConfigMap key must exist in the render.
    for (const env of arr(container.env).map(obj)) {
      const ref = obj(obj(env.valueFrom).configMapKeyRef);
      if (ref.name === undefined) continue;
      const cm = find(objects, 'ConfigMap', String(ref.name));
      if (cm === undefined || obj(cm.data)[String(ref.key)] === undefined) problems.push(`${cid}: env ${String(env.name)} reads ConfigMap ${String(ref.name)} key ${String(ref.key)}, which does not exist`);
    }
  }
  for (const volume of arr(pod.volumes).map(obj)) {
    const cmName = str(obj(volume.configMap).name);
    if (cmName !== undefined && find(objects, 'ConfigMap', cmName) === undefined) problems.push(`${id}: volume ${String(volume.name)} mounts ConfigMap ${cmName}, which does not exist`);
  }
  if (workload.kind === 'Deployment' && (REQUIRED_DEPLOYMENTS as readonly string[]).includes(workload.metadata.name)) {
    const name = workload.metadata.name;
    const strategy = obj(spec.strategy);
    if (strategy.type !== 'RollingUpdate' || obj(strategy.rollingUpdate).maxUnavailable !== 0) problems.push(`${id}: rolling update must have maxUnavailable: 0`);
    const spread = arr(pod.topologySpreadConstraints).map(obj);
    if (!spread.some((c) => c.topologyKey === 'kubernetes.io/hostname' && matches(obj(c.labelSelector), labels))) problems.push(`${id}: needs a topology spread over kubernetes.io/hostname selecting its own pods`);
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && matches(obj(obj(o.spec).selector), labels));
    if (pdb === undefined) problems.push(`${id}: no PodDisruptionBudget selects its pods`);
    const container = arr(pod.containers).map(obj).find((c) => c.name === name);
    problems.push(...sawmillContainerProblems(id, name, container));
  }
  if (workload.kind === 'Deployment' && (SINGLE_POD_DEPLOYMENTS as readonly string[]).includes(workload.metadata.name)) {
    if (spec.replicas !== 1) problems.push(`${id}: must run exactly one pod (replicas: 1), got ${String(spec.replicas)}`);
    const strategy = obj(spec.strategy);
    if (strategy.type !== 'RollingUpdate' || obj(strategy.rollingUpdate).maxUnavailable !== 0) problems.push(`${id}: rolling update must have maxUnavailable: 0`);
    const own = arr(pod.containers).map(obj);
    if (!own.some((c) => c.name === workload.metadata.name)) problems.push(`${id}: no container named ${workload.metadata.name}`);
    for (const container of own) {
      const name = String(container.name);
      if (SAWMILL_SERVICES[name] !== undefined) problems.push(...sawmillContainerProblems(`${id} container ${name}`, name, container));
    }
  }
  if (isAgent) {
    const container = arr(pod.containers).map(obj).find((c) => c.name === 'agent');
    problems.push(...sawmillContainerProblems(id, 'agent', container));
    const hostPaths = new Map(arr(pod.volumes).map(obj).filter((v) => v.hostPath !== undefined).map((v) => [String(v.name), String(obj(v.hostPath).path)]));
    const mounts = arr(container?.volumeMounts).map(obj);
    const logs = mounts.find((m) => hostPaths.get(String(m.name)) === '/var/log/containers');
    if (logs === undefined || logs.mountPath !== '/var/log/containers' || logs.readOnly !== true) problems.push(`${id}: must mount the node's /var/log/containers read-only`);
  }
  return problems;
}

function hpaProblems(objects: readonly K8sObject[], hpa: K8sObject): string[] {
  const id = objectId(hpa);
  const spec = obj(hpa.spec);
  const problems: string[] = [];
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
  const max = Number(spec.maxReplicas);
  if (min < 1) problems.push(`${id}: minReplicas must be at least 1`);
  if (min > max) problems.push(`${id}: minReplicas ${min} is above maxReplicas ${max}`);
  const target = obj(spec.scaleTargetRef);
  if (find(objects, String(target.kind), String(target.name)) === undefined) problems.push(`${id}: scales ${String(target.kind)}/${String(target.name)}, which does not exist`);
  return problems;
}

function scaledObjectProblems(objects: readonly K8sObject[], scaled: K8sObject): string[] {
  const id = objectId(scaled);
  const spec = obj(scaled.spec);
  const problems: string[] = [];
  const targetName = String(obj(spec.scaleTargetRef).name);
  const target = find(objects, 'Deployment', targetName);
  if (target === undefined) problems.push(`${id}: scales Deployment/${targetName}, which does not exist`);
  else if (obj(target.spec).replicas !== undefined) problems.push(`${id}: Deployment/${targetName} sets spec.replicas, which every apply would reset under KEDA`);
  if (objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && obj(obj(o.spec).scaleTargetRef).name === targetName)) problems.push(`${id}: an HPA also scales ${targetName}`);
  const min = typeof spec.minReplicaCount === 'number' ? spec.minReplicaCount : 0;
  const max = typeof spec.maxReplicaCount === 'number' ? spec.maxReplicaCount : 100;
  if (min > max) problems.push(`${id}: minReplicaCount ${min} is above maxReplicaCount ${max}`);
  const triggers = arr(spec.triggers).map(obj);
  if (triggers.length === 0) problems.push(`${id}: has no trigger`);
  const endpoints = findGenerated(objects, 'ConfigMap', 'sawmill-endpoints')[0];
  const brokers = str(obj(endpoints?.data).KAFKA_BROKERS);
  let partitions = 0;
  for (const [i, trigger] of triggers.entries()) {
    const meta = obj(trigger.metadata);
    const tid = `${id} trigger ${i}`;
    if (trigger.type !== 'kafka') {
      problems.push(`${tid}: type ${String(trigger.type)}, expected kafka`);
      continue;
    }
    const topic = SAWMILL_TOPICS.find((t) => t.name === meta.topic);
    if (topic === undefined) problems.push(`${tid}: topic ${String(meta.topic)} is not declared in lib/kafka/topics.ts`);
    else partitions = Math.max(partitions, topic.partitions);
    const group = CONSUMER_GROUPS[targetName]?.[String(meta.topic)];
    if (meta.consumerGroup !== group) problems.push(`${tid}: consumerGroup ${String(meta.consumerGroup)}, expected ${group ?? `(${targetName} does not read ${String(meta.topic)})`}`);
    if (!/^[1-9][0-9]*$/.test(String(meta.lagThreshold))) problems.push(`${tid}: lagThreshold must be a positive integer, got ${String(meta.lagThreshold)}`);
    if (meta.bootstrapServers !== brokers) problems.push(`${tid}: bootstrapServers ${String(meta.bootstrapServers)} differs from KAFKA_BROKERS ${String(brokers)} of ConfigMap sawmill-endpoints`);
    if (meta.allowIdleConsumers === 'true') problems.push(`${tid}: allowIdleConsumers would scale past the partition count`);
  }
  if (partitions > 0 && max > partitions) problems.push(`${id}: maxReplicaCount ${max} is above the ${partitions} partitions of its topics: the extra consumers would sit idle`);
  return problems;
}

function secretProblems(objects: readonly K8sObject[], rules: OverlayRules): string[] {
  const problems: string[] = [];
  const refs: { id: string; name: string; key: string | undefined; optional: boolean }[] = [];
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
    for (const container of containersOf(workload)) {
      for (const env of arr(container.env).map(obj)) {
        const ref = obj(obj(env.valueFrom).secretKeyRef);
        if (ref.name !== undefined) refs.push({ id: `${objectId(workload)} env ${String(env.name)}`, name: String(ref.name), key: String(ref.key), optional: ref.optional === true });
      }
    }
    for (const volume of arr(podSpecOf(workload).volumes).map(obj)) {
      const secret = obj(volume.secret);
      const keys = arr(secret.items).map((item) => String(obj(item).key));
      if (secret.secretName !== undefined) {
        for (const key of keys.length > 0 ? keys : [undefined]) refs.push({ id: `${objectId(workload)} volume ${String(volume.name)}`, name: String(secret.secretName), key, optional: secret.optional === true });
      }
    }
  }
  const known = (ref: { name: string; key: string | undefined }): boolean => {
    const keys = EXTERNAL_SECRETS[baseName(ref.name)];
    return keys !== undefined && (ref.key === undefined || keys.includes(ref.key));
  };
  const secrets = objects.filter((o) => o.kind === 'Secret');
  if (rules.secrets === 'external') {
    for (const secret of secrets) problems.push(`${objectId(secret)}: overlay ${rules.name} must not carry a Secret (create it in the cluster)`);
    for (const ref of refs) if (!known(ref)) problems.push(`${ref.id}: reads Secret ${ref.name} key ${String(ref.key)}, which is not in EXTERNAL_SECRETS (nor documented)`);
    return problems;
  }
  for (const ref of refs) {
    if (!known(ref)) problems.push(`${ref.id}: reads Secret ${ref.name} key ${String(ref.key)}, which is not in EXTERNAL_SECRETS (nor documented)`);
    const secret = secrets.find((s) => s.metadata.name === ref.name);
    if (secret === undefined) {
      if (!ref.optional && !CREATED_AT_DEPLOY.includes(ref.name)) problems.push(`${ref.id}: reads Secret ${ref.name}, which the overlay does not generate`);
    } else if (ref.key !== undefined && obj(secret.data)[ref.key] === undefined && obj(secret.stringData)[ref.key] === undefined) {
      problems.push(`${ref.id}: Secret ${ref.name} has no key ${ref.key}`);
    }
  }
  for (const secret of secrets) {
    for (const [key, value] of Object.entries(obj(secret.data))) {
      const plain = Buffer.from(String(value).replace(/\s/g, ''), 'base64').toString('utf8');
      if (!plain.startsWith('kind-only')) problems.push(`${objectId(secret)}: key ${key} is not a kind-only placeholder; real secrets are never committed`);
    }
    if (!Object.keys(EXTERNAL_SECRETS).includes(baseName(secret.metadata.name))) problems.push(`${objectId(secret)}: not a known Sawmill Secret`);
    if (CREATED_AT_DEPLOY.includes(baseName(secret.metadata.name))) problems.push(`${objectId(secret)}: is generated per cluster at deploy time, never committed`);
  }
  return problems;
}

function serviceProblems(objects: readonly K8sObject[], service: K8sObject): string[] {
  const id = objectId(service);
  const selector = obj(obj(service.spec).selector);
  const pods = objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && o.kind !== 'Job' && matches({ matchLabels: selector }, podLabelsOf(o)));
  if (pods.length === 0) return [`${id}: its selector matches no workload`];
  const problems: string[] = [];
  for (const port of arr(obj(service.spec).ports).map(obj)) {
    const target = port.targetPort ?? port.port;
    const exposed = pods.some((w) => containersOf(w).some((c) => arr(c.ports).map(obj).some((p) => p.name === target || p.containerPort === target)));
    if (!exposed) problems.push(`${id}: port ${String(port.name)} targets ${String(target)}, which no selected container exposes`);
  }
  return problems;
}

function kafkaProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const kafkas = objects.filter((o) => o.kind === 'Kafka');
  if (kafkas.length !== 1) return [`overlay must have exactly one Strimzi Kafka, found ${kafkas.length}`];
  const kafka = kafkas[0] as K8sObject;
  const id = objectId(kafka);
  const annotations = kafka.metadata.annotations ?? {};
  if (annotations['strimzi.io/kraft'] !== 'enabled' || annotations['strimzi.io/node-pools'] !== 'enabled') problems.push(`${id}: must enable KRaft and node pools (strimzi.io/kraft, strimzi.io/node-pools annotations)`);
  const pools = objects.filter((o) => o.kind === 'KafkaNodePool' && o.metadata.labels?.['strimzi.io/cluster'] === kafka.metadata.name);
  const roles = new Set(pools.flatMap((p) => arr(obj(p.spec).roles).map(String)));
  if (!roles.has('controller') || !roles.has('broker')) problems.push(`${id}: its node pools must provide the controller and broker roles`);
  const brokers = pools.filter((p) => arr(obj(p.spec).roles).includes('broker')).reduce((n, p) => n + Number(obj(p.spec).replicas ?? 0), 0);
  const config = obj(obj(obj(kafka.spec).kafka).config);
  const minIsr = Number(config['min.insync.replicas'] ?? 1);
  const maxRf = Math.max(...SAWMILL_TOPICS.map((t) => t.replicationFactor));
  if (brokers < maxRf) problems.push(`${id}: ${brokers} brokers, fewer than the replication factor ${maxRf} of lib/kafka/topics.ts`);
  if (minIsr >= brokers) problems.push(`${id}: min.insync.replicas ${minIsr} leaves no broker to lose (${brokers} brokers)`);
  if (config['auto.create.topics.enable'] !== false && config['auto.create.topics.enable'] !== 'false') problems.push(`${id}: auto.create.topics.enable must be false`);
  const listener = arr(obj(obj(kafka.spec).kafka).listeners).map(obj).find((l) => l.type === 'internal' && l.tls === false);
  const expected = `${kafka.metadata.name}-kafka-bootstrap.${kafka.metadata.namespace ?? 'default'}.svc:${String(listener?.port)}`;
  const endpoints = findGenerated(objects, 'ConfigMap', 'sawmill-endpoints')[0];
  if (obj(endpoints?.data).KAFKA_BROKERS !== expected) problems.push(`${id}: KAFKA_BROKERS of sawmill-endpoints must be its bootstrap service ${expected}`);
  return problems;
}

/** Returns one line per broken rule across the rendered objects of an overlay (empty when all hold). */
export function manifestProblems(objects: readonly K8sObject[], rules: OverlayRules): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_DEPLOYMENTS) if (find(objects, 'Deployment', name) === undefined) problems.push(`missing Deployment/${name}`);
  for (const name of SINGLE_POD_DEPLOYMENTS) if (find(objects, 'Deployment', name) === undefined) problems.push(`missing Deployment/${name}`);
  if (find(objects, 'DaemonSet', 'agent') === undefined) problems.push('missing DaemonSet/agent');
  const apiHpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && obj(obj(o.spec).scaleTargetRef).name === 'api');
  if (apiHpa === undefined) problems.push('missing the HorizontalPodAutoscaler of the api');
  else if (!arr(obj(apiHpa.spec).metrics).map(obj).some((m) => obj(m.resource).name === 'cpu')) problems.push(`${objectId(apiHpa)}: must scale on cpu`);
  for (const name of KEDA_SCALED) {
    if (!objects.some((o) => o.kind === 'ScaledObject' && obj(obj(o.spec).scaleTargetRef).name === name)) problems.push(`missing a KEDA ScaledObject for Deployment/${name}`);
  }
  const denyAll = objects.some((o) => o.kind === 'NetworkPolicy' && Object.keys(obj(obj(o.spec).podSelector)).length === 0 && arr(obj(o.spec).policyTypes).includes('Ingress') && arr(obj(o.spec).ingress).length === 0);
  if (!denyAll) problems.push('missing a default-deny ingress NetworkPolicy');
  if (findGenerated(objects, 'ConfigMap', 'sawmill-endpoints').length !== 1) problems.push('missing ConfigMap sawmill-endpoints');

  for (const object of objects) {
    if (WORKLOAD_KINDS.has(object.kind)) problems.push(...workloadProblems(objects, object));
    if (object.kind === 'HorizontalPodAutoscaler') problems.push(...hpaProblems(objects, object));
    if (object.kind === 'ScaledObject') problems.push(...scaledObjectProblems(objects, object));
    if (object.kind === 'Service') problems.push(...serviceProblems(objects, object));
    if (object.kind === 'PodDisruptionBudget' && !objects.some((w) => WORKLOAD_KINDS.has(w.kind) && matches(obj(obj(object.spec).selector), podLabelsOf(w)))) {
      problems.push(`${objectId(object)}: selects no workload`);
    }
  }
  problems.push(...secretProblems(objects, rules));
  if (rules.inClusterStores) {
    problems.push(...kafkaProblems(objects));
    for (const store of ['postgres', 'opensearch', 'redis']) {
      if (find(objects, 'StatefulSet', store) === undefined) problems.push(`missing StatefulSet/${store}`);
      if (find(objects, 'Service', store) === undefined) problems.push(`missing Service/${store}`);
    }
  } else if (objects.some((o) => o.kind === 'Kafka' || o.kind === 'StatefulSet')) {
    problems.push(`overlay ${rules.name} runs Kafka or a store in the cluster, but its rules say they are external`);
  }
  return problems;
}
