// The rendering helpers: finding a kubectl and parsing its multi-document output.
import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { parseObjects, pinnedKubectlPath, renderers } from './kustomize-render.js';

describe('infra/deploy/kustomize-render', () => {
  it('parses every document, skipping empty ones', () => {
    const objects = parseObjects('---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['ConfigMap/a', 'Secret/b']);
  });

  it('refuses a document that is not a mapping, and broken YAML', () => {
    expect(() => parseObjects('- a\n- b\n')).to.throw('a YAML document is not a mapping');
    expect(() => parseObjects('kind: [unclosed\n')).to.throw(/^YAML error/);
  });

  it('looks for the unpacked kubectl under SAWMILL_HOME', () => {
    expect(pinnedKubectlPath({ SAWMILL_HOME: '/srv/sawmill' })).to.equal('/srv/sawmill/opt/kubernetes-client/usr/bin/kubectl');
  });

  it('names the install script when no kubectl is found', () => {
    expect(() => renderers({ SAWMILL_HOME: '/nonexistent', PATH: '/nonexistent' }))
      .to.throw(ConfigError, 'no kubectl at /nonexistent/opt/kubernetes-client/usr/bin/kubectl nor on PATH: run infra/local/install-kubectl (make test does)');
  });

  it('finds the pinned kubectl make test installs', () => {
    const found = renderers();
    expect(found.length).to.be.at.least(1);
    expect(found[0]?.version).to.match(/^v1\.\d+\.\d+/);
  });
});
