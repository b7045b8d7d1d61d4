// What Sawmill's GitHub workflows must do, beyond their schema: `make test` on every push and pull
// request; on main and tags an image pushed to GHCR with an SBOM, deployed on Kind with the
// repository's own scripts and smoke-tested; every action pinned to a version.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './kustomize-render.js';

/** One step of a job, as far as the rules read it. */
export interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
/** One job of a workflow, as far as the rules read it. */
export interface Job {
  'runs-on'?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps?: Step[];
}
/** A parsed workflow file, as far as the rules read it. */
export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** Every step of every job. */
export function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

/** Problems of the CI workflow (empty when it runs `make test` after `npm ci` on push and pull_request). */
export function ciProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (!('push' in workflow.on) || !('pull_request' in workflow.on)) problems.push('CI must run on push and on pull_request');
  const runs = steps(workflow).map((s) => s.run ?? '');
  const install = runs.findIndex((r) => /\bnpm ci\b/.test(r));
  const test = runs.findIndex((r) => /^make test$/m.test(r));
  if (install < 0) problems.push('CI must install with npm ci');
  if (test < 0) problems.push('CI must run make test');
  if (install >= 0 && test >= 0 && install > test) problems.push('CI must install before make test');
  return problems;
}

/** Problems of the release workflow (empty when it builds, pushes with an SBOM, deploys on Kind and smoke-tests). */
export function releaseProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const push = (workflow.on.push ?? {}) as { branches?: string[]; tags?: string[] };
  if (!(push.branches ?? []).includes('main')) problems.push('release must run on pushes to main');
  if (!(push.tags ?? []).some((t) => t.startsWith('v'))) problems.push('release must run on version tags');
  const all = steps(workflow);
  const build = all.find((s) => s.uses?.startsWith('docker/build-push-action@'));
  if (build === undefined) problems.push('release must build with docker/build-push-action');
  else {
    if (build.with?.push !== true) problems.push('the image must be pushed');
    if (build.with?.sbom !== true) problems.push('the image must carry an SBOM (sbom: true)');
  }
  if (!all.some((s) => s.uses?.startsWith('anchore/sbom-action@'))) problems.push('release must publish the SBOM file (anchore/sbom-action)');
  const login = all.find((s) => s.uses?.startsWith('docker/login-action@'));
  if (login?.with?.registry !== 'ghcr.io') problems.push('release must log in to ghcr.io');
  const imageJob = Object.values(workflow.jobs).find((job) => (job.steps ?? []).includes(build as Step));
  if (imageJob?.permissions?.packages !== 'write') problems.push('the image job needs packages: write');
  const kindJob = Object.entries(workflow.jobs).find(([, job]) => (job.steps ?? []).some((s) => s.uses?.startsWith('helm/kind-action@')));
  if (kindJob === undefined) problems.push('release must create a Kind cluster with helm/kind-action');
  else {
    const [name, job] = kindJob;
    const needs = Array.isArray(job.needs) ? job.needs : job.needs === undefined ? [] : [job.needs];
    if (needs.length === 0) problems.push(`job ${name} must wait for the image job`);
    const kindStep = (job.steps ?? []).find((s) => s.uses?.startsWith('helm/kind-action@'));
    const config = String(kindStep?.with?.config ?? '');
    if (!existsSync(join(REPO_ROOT, config)) || config === '') problems.push(`helm/kind-action config ${config} does not exist`);
    const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const script of ['infra/k8s/kind/deploy.sh', 'infra/k8s/kind/smoke-test.sh']) {
      if (!runs.includes(script)) problems.push(`job ${name} must run ${script}`);
    }
    if (!/kind load docker-image sawmill:kind/.test(runs)) problems.push(`job ${name} must load the built image as sawmill:kind`);
  }
  return problems;
}

/** Problems with the actions a workflow uses: each must name a version (a tag or a commit). */
export function pinProblems(workflow: Workflow): string[] {
  return steps(workflow)
    .filter((s) => s.uses !== undefined && !/^[^@]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/.test(s.uses) && !s.uses.startsWith('./'))
    .map((s) => `action ${String(s.uses)} is not pinned to a version`);
}

