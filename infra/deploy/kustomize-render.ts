// Renders Kustomize overlays offline with `kubectl kustomize` (no cluster) and parses the output
// into objects. The kubectl that `make test` uses is Debian's kubernetes-client, unpacked by
// infra/local/install-kubectl (kustomize v2.0.3); a kubectl on PATH with a newer kustomize is used
// besides, so the manifests are known to render with both.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../lib/errors.js';

/** The repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A rendered Kubernetes object: only the fields every object has are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A kubectl able to render kustomizations, with the version it reports. */
export interface Renderer {
  /** Absolute path (or PATH name) of the kubectl binary. */
  readonly kubectl: string;
  /** Its kustomize version line, e.g. `v1.20.2 (kustomize v2.0.3)`. */
  readonly version: string;
}

/** Where infra/local/install-kubectl unpacks Debian's kubectl. */
export function pinnedKubectlPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.SAWMILL_HOME ?? join(REPO_ROOT, '.local');
  return join(home, 'opt/kubernetes-client/usr/bin/kubectl');
}

function versionOf(kubectl: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    // Old clients print version.Info{... GitVersion:"v1.20.2" ...}; new ones "Client Version: v1.32.4".
    const out = execFileSync(kubectl, ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000, env });
    const version = /GitVersion:"(v[^"]+)"/.exec(out)?.[1] ?? /Client Version: (v\S+)/.exec(out)?.[1];
    const kustomize = /Kustomize Version: (v\S+)/.exec(out)?.[1];
    if (version === undefined) return undefined;
    return kustomize === undefined ? version : `${version} (kustomize ${kustomize})`;
  } catch {
    return undefined;
  }
}

/**
 * The kubectls to render with: the pinned one (SAWMILL_KUBECTL, or the one install-kubectl
 * unpacked), then `kubectl` from PATH when it exists and is another version. Without the pinned
 * one, PATH's alone; with neither, a ConfigError naming the install script.
 */
export function renderers(env: NodeJS.ProcessEnv = process.env): Renderer[] {
  const pinned = env.SAWMILL_KUBECTL ?? pinnedKubectlPath(env);
  const pinnedVersion = existsSync(pinned) || env.SAWMILL_KUBECTL !== undefined ? versionOf(pinned, env) : undefined;
  const found: Renderer[] = pinnedVersion === undefined ? [] : [{ kubectl: pinned, version: pinnedVersion }];
  const onPath = versionOf('kubectl', env);
  if (onPath !== undefined && onPath !== pinnedVersion) found.push({ kubectl: 'kubectl', version: onPath });
  if (found.length === 0) {
    throw new ConfigError(`no kubectl at ${pinned} nor on PATH: run infra/local/install-kubectl (make test does)`, 'environment', 'SAWMILL_KUBECTL');
  }
  return found;
}

/** Runs `kubectl kustomize <dir>`; throws an Error carrying kubectl's stderr when it fails. */
export function renderText(renderer: Renderer, dir: string): string {
  try {
    return execFileSync(renderer.kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`kubectl kustomize ${dir} (${renderer.version}) failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/** Parses a multi-document YAML stream into objects; throws on a YAML error or a document that is not an object. */
export function parseObjects(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors[0]?.message ?? ''}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error('a YAML document is not a mapping');
    objects.push(value as K8sObject);
  }
  return objects;
}

/** Renders a kustomization directory and returns its objects. */
export function renderObjects(renderer: Renderer, dir: string): K8sObject[] {
  return parseObjects(renderText(renderer, dir));
}
