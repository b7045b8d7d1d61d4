// Offline checks of .github/workflows: each file is valid against SchemaStore's GitHub workflow
// schema (vendored in infra/deploy/schemas, see its README), and CI and release do what the
// project relies on: `make test` on every push and pull request; on main and tags an image pushed
// to GHCR with an SBOM, deployed on Kind with the repository's own scripts and smoke-tested.
import { expect } from 'chai';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from './kustomize-render.js';
import { ciProblems, pinProblems, releaseProblems, steps, type Job, type Step, type Workflow } from './workflow-rules.js';

const WORKFLOWS_DIR = join(REPO_ROOT, '.github/workflows');

function workflowValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/deploy/schemas/github-workflow.json'), 'utf8')) as Record<string, unknown>;
  // The schema is written for editors, not for a strict validator: it uses keywords Ajv's strict
  // mode objects to (e.g. unknown formats and `$comment`-only branches), so strict mode is off.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema);
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`).join('\n');
}

function load(name: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS_DIR, name), 'utf8')) as Workflow;
}

describe('.github/workflows', () => {
  const validate = workflowValidator();
  const files = readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f));

  it('has the CI and release workflows', () => {
    expect(files.sort()).to.deep.equal(['ci.yml', 'release.yml']);
  });

  for (const file of ['ci.yml', 'release.yml']) {
    it(`${file} is valid against the GitHub workflow schema and pins its actions`, () => {
      const workflow = load(file);
      expect(validate(workflow), errorsOf(validate)).to.equal(true);
      expect(pinProblems(workflow)).to.deep.equal([]);
    });
  }

  it('CI runs make test on push and pull_request', () => {
    expect(ciProblems(load('ci.yml'))).to.deep.equal([]);
  });

  it('release pushes the image with an SBOM, deploys it on Kind and smoke-tests it', () => {
    expect(releaseProblems(load('release.yml'))).to.deep.equal([]);
  });

  it('runs scripts that exist and are executable', () => {
    for (const script of ['infra/k8s/kind/deploy.sh', 'infra/k8s/kind/smoke-test.sh']) {
      expect(() => accessSync(join(REPO_ROOT, script), constants.X_OK), script).to.not.throw();
    }
  });

  describe('catches broken workflows', () => {
    it('rejects an unknown trigger and a job without runs-on (schema)', () => {
      const broken = load('ci.yml') as Workflow & { on: Record<string, unknown> };
      broken.on = { pushh: {} };
      delete (broken.jobs.test as Job)['runs-on'];
      expect(validate(broken)).to.equal(false);
      expect(errorsOf(validate)).to.match(/\/on must NOT have additional properties|\/on must be/);
      expect(errorsOf(validate)).to.include("/jobs/test must have required property 'runs-on'");
    });

    it('rejects a release without SBOM, without Kind, and a CI without make test', () => {
      const release = load('release.yml');
      const build = steps(release).find((s) => s.uses?.startsWith('docker/build-push-action@')) as Step;
      (build.with as Record<string, unknown>).sbom = false;
      delete release.jobs.kind;
      expect(releaseProblems(release)).to.deep.equal(['the image must carry an SBOM (sbom: true)', 'release must create a Kind cluster with helm/kind-action']);
      const ci = load('ci.yml');
      for (const step of steps(ci)) if (step.run === 'make test') step.run = 'npm run test:unit';
      expect(ciProblems(ci)).to.deep.equal(['CI must run make test']);
    });

    it('rejects an unpinned action', () => {
      const ci = load('ci.yml');
      (steps(ci)[0] as Step).uses = 'actions/checkout@main';
      expect(pinProblems(ci)).to.deep.equal(['action actions/checkout@main is not pinned to a version']);
    });
  });
});
