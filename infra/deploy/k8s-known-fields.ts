// Finds fields the Kubernetes API does not know (a misspelt `readinesProbe`, an `imagee`): the
// OpenAPI schemas of kubernetes-models accept unknown fields, as Kubernetes' own schemas do, and
// an API server would drop them silently unless asked for strict validation. Here each rendered
// object is type-checked, offline, against the TypeScript interface of its kind from the same
// model packages; TypeScript's excess-property check names every field the interface lacks.
import { join } from 'node:path';
import ts from 'typescript';
import { objectId } from './k8s-schema.js';
import { REPO_ROOT, type K8sObject } from './kustomize-render.js';

/** `apiVersion/kind` -> [module, interface] of the model's TypeScript declaration. */
const INTERFACES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['v1/Namespace', ['kubernetes-models/v1/Namespace', 'INamespace']],
  ['v1/ServiceAccount', ['kubernetes-models/v1/ServiceAccount', 'IServiceAccount']],
  ['v1/ConfigMap', ['kubernetes-models/v1/ConfigMap', 'IConfigMap']],
  ['v1/Secret', ['kubernetes-models/v1/Secret', 'ISecret']],
  ['v1/Pod', ['kubernetes-models/v1/Pod', 'IPod']],
  ['v1/Service', ['kubernetes-models/v1/Service', 'IService']],
  ['apps/v1/Deployment', ['kubernetes-models/apps/v1/Deployment', 'IDeployment']],
  ['apps/v1/StatefulSet', ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet']],
  ['apps/v1/DaemonSet', ['kubernetes-models/apps/v1/DaemonSet', 'IDaemonSet']],
  ['batch/v1/Job', ['kubernetes-models/batch/v1/Job', 'IJob']],
  ['policy/v1/PodDisruptionBudget', ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget']],
  ['autoscaling/v2/HorizontalPodAutoscaler', ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler']],
  ['networking.k8s.io/v1/NetworkPolicy', ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy']],
  ['keda.sh/v1alpha1/ScaledObject', ['@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'IScaledObject']],
  ['kafka.strimzi.io/v1beta2/Kafka', ['@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/Kafka', 'IKafka']],
  ['kafka.strimzi.io/v1beta2/KafkaNodePool', ['@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaNodePool', 'IKafkaNodePool']],
]);

let previous: ts.Program | undefined;
const declarationFiles = new Map<string, ts.SourceFile>();

// The in-memory file lives in this folder so that its imports resolve from the repository's node_modules.
const VIRTUAL_FILE = join(REPO_ROOT, 'infra/deploy/__rendered-objects__.ts');

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  // The smallest standard library: the declarations need nothing beyond ES5 (Record, Array).
  lib: ['lib.es5.d.ts'],
};

/**
 * Returns one line per field that the interface of the object's kind does not declare, or any
 * other type error, each prefixed with the object's `Kind/name`. TypeScript names the first
 * unknown field of each object only: fix it and the next one shows. Objects of a kind with no
 * known interface are skipped here (k8s-schema.ts already reports them).
 */
export function unknownFieldProblems(objects: readonly K8sObject[]): string[] {
  const imports: string[] = [];
  const declarations: { index: number; text: string }[] = [];
  const owners: { start: number; end: number; id: string }[] = [];
  const imported = new Map<string, string>();
  for (const [index, object] of objects.entries()) {
    const entry = INTERFACES.get(`${object.apiVersion}/${object.kind}`);
    if (entry === undefined) continue;
    const [module, name] = entry;
    let alias = imported.get(module);
    if (alias === undefined) {
      alias = `T${imported.size}`;
      imported.set(module, alias);
      imports.push(`import type { ${name} as ${alias} } from '${module}';`);
    }
    declarations.push({ index, text: `export const o${index}: ${alias} = ${JSON.stringify(object)};` });
  }
  const header = `${imports.join('\n')}\n`;
  let offset = header.length;
  for (const { index, text: declaration } of declarations) {
    owners.push({ start: offset, end: offset + declaration.length, id: objectId(objects[index] as K8sObject) });
    offset += declaration.length + 1;
  }
  const text = `${header}${declarations.map((d) => d.text).join('\n')}\n`;

  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === VIRTUAL_FILE) return ts.createSourceFile(fileName, text, languageVersion, true);
    // The same SourceFile objects let the next program reuse them instead of parsing again.
    let file = declarationFiles.get(fileName);
    if (file === undefined) {
      file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file !== undefined) declarationFiles.set(fileName, file);
    }
    return file;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists(fileName);
  // Reusing the previous program keeps the model declarations parsed: later calls take a fraction.
  const program = ts.createProgram({ rootNames: [VIRTUAL_FILE], options: OPTIONS, host, oldProgram: previous });
  previous = program;
  const source = program.getSourceFile(VIRTUAL_FILE);
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics.map((d) => {
    const owner = owners.find((o) => d.start !== undefined && d.start >= o.start && d.start < o.end);
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    return `${owner?.id ?? 'rendered objects'}: ${message}`;
  });
}
