// Offline lint of the Dockerfile and .dockerignore (no Docker engine here): the rules of
// dockerfile-lint.ts hold for the real file, and each rule fails on a copy broken for it.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerfileProblems, isPinnedImage, parseDockerfile } from './dockerfile-lint.js';
import { REPO_ROOT } from './kustomize-render.js';

const DOCKERFILE = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

function replaced(from: string, to: string): string {
  expect(DOCKERFILE, 'the Dockerfile contains the text to break').to.include(from);
  return DOCKERFILE.replace(from, to);
}

describe('Dockerfile', () => {
  it('is multi-stage, pinned, non-root, health-checked, with sawmill as entrypoint', () => {
    expect(dockerfileProblems(DOCKERFILE)).to.deep.equal([]);
    const froms = parseDockerfile(DOCKERFILE).filter((i) => i.keyword === 'FROM');
    expect(froms.map((f) => f.args)).to.deep.equal(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS runtime']);
  });

  it('joins continuation lines and skips comments', () => {
    const ins = parseDockerfile('# c\nFROM a:1.2.3 AS x\nRUN one \\\n  # inside\n  two\nUSER node\n');
    expect(ins).to.deep.equal([
      { keyword: 'FROM', args: 'a:1.2.3 AS x', line: 2 },
      { keyword: 'RUN', args: 'one two', line: 3 },
      { keyword: 'USER', args: 'node', line: 6 },
    ]);
  });

  it('knows a pinned image from a floating one', () => {
    expect(isPinnedImage('node:20.20.2-bookworm-slim')).to.equal(true);
    expect(isPinnedImage(`node:20-bookworm-slim@sha256:${'a'.repeat(64)}`)).to.equal(true);
    expect(isPinnedImage('node:20-bookworm-slim')).to.equal(false);
    expect(isPinnedImage('node:latest')).to.equal(false);
    expect(isPinnedImage('node')).to.equal(false);
  });

  describe('catches a broken copy', () => {
    it('a floating base image', () => {
      const lines = parseDockerfile(DOCKERFILE).filter((i) => i.keyword === 'FROM').map((i) => i.line);
      expect(lines).to.have.length(2);
      expect(dockerfileProblems(replaced('ARG NODE_IMAGE=node:20.20.2-bookworm-slim', 'ARG NODE_IMAGE=node:20-bookworm-slim'))).to.deep.equal(
        lines.map((line) => `line ${line}: base image node:20-bookworm-slim is not pinned to an exact version or digest`),
      );
    });

    it('no USER, or root', () => {
      expect(dockerfileProblems(replaced('USER node\n', ''))).to.deep.equal(['the final stage sets no USER, so it runs as root']);
      expect(dockerfileProblems(replaced('USER node\n', 'USER root\n'))).to.deep.equal(['the final stage runs as root']);
    });

    it('no HEALTHCHECK', () => {
      const text = replaced('HEALTHCHECK --interval=15s', 'HEALTHCHECK NONE\n# --interval=15s');
      expect(dockerfileProblems(text)).to.include('HEALTHCHECK NONE disables the health check');
    });

    it('one stage only, and another entrypoint', () => {
      const single = DOCKERFILE.replace(/FROM \$\{NODE_IMAGE\} AS build[\s\S]*?(?=FROM \$\{NODE_IMAGE\} AS runtime)/, '').replace('ENTRYPOINT ["sawmill"]', 'ENTRYPOINT node dist/bin/sawmill.js');
      expect(dockerfileProblems(single)).to.deep.equal(['not a multi-stage build (one FROM)', 'ENTRYPOINT must be ["sawmill"] (exec form), got node dist/bin/sawmill.js']);
    });
  });
});

describe('.dockerignore', () => {
  it('keeps local state, secrets and build output out of the build context', () => {
    const entries = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(entries).to.include.members(['node_modules', 'dist', '.local', '.git', '.env', '.env.*']);
  });
});
