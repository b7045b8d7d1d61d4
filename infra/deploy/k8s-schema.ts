// Validates rendered Kubernetes objects against their OpenAPI schemas, offline: kubernetes-models
// for the built-in kinds, its KEDA and Strimzi packages for the custom resources. A kind with no
// schema here is an error rather than a pass, so a new kind gets validated or is noticed.
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Kafka } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/Kafka';
import { KafkaNodePool } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaNodePool';
import type { K8sObject } from './kustomize-render.js';

type Validatable = new (data: never) => { validate(): void };

/** `apiVersion/kind` -> the model whose validate() checks it against the schema. */
const MODELS: ReadonlyMap<string, Validatable> = new Map<string, Validatable>([
  ['v1/Namespace', Namespace],
  ['v1/ServiceAccount', ServiceAccount],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/Pod', Pod],
  ['v1/Service', Service],
  ['apps/v1/Deployment', Deployment],
  ['apps/v1/StatefulSet', StatefulSet],
  ['apps/v1/DaemonSet', DaemonSet],
  ['batch/v1/Job', Job],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['autoscaling/v2/HorizontalPodAutoscaler', HorizontalPodAutoscaler],
  ['networking.k8s.io/v1/NetworkPolicy', NetworkPolicy],
  ['keda.sh/v1alpha1/ScaledObject', ScaledObject],
  ['kafka.strimzi.io/v1beta2/Kafka', Kafka],
  ['kafka.strimzi.io/v1beta2/KafkaNodePool', KafkaNodePool],
]);

/** `Kind/name`, how problems name an object. */
export function objectId(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? '<no name>'}`;
}

/**
 * kustomize v5 wraps long base64 Secret values over several lines; the API server decodes them with
 * Go's base64, which skips newlines, while the schema's `byte` format does not: unwrap them first.
 */
function normalised(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(Object.entries(object.data as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...object, data };
}

/** Returns one line per schema violation of the object (empty when valid), each prefixed with its `Kind/name`. */
export function schemaProblems(object: K8sObject): string[] {
  const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  if (model === undefined) return [`${objectId(object)}: no schema known for ${object.apiVersion} ${object.kind} (add it to infra/deploy/k8s-schema.ts)`];
  if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') return [`${objectId(object)}: metadata.name is missing`];
  try {
    new model(normalised(object) as never).validate();
    return [];
  } catch (error) {
    // The message lists every violation, comma-separated, with its JSON path (data/spec/...).
    return String((error as Error).message)
      .split(/,\s*(?=data)/)
      .map((line) => `${objectId(object)}: ${line.trim()}`);
  }
}
