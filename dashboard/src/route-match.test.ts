import { expect } from 'chai';
import { buildHash, matchPath, parseHash } from './route-match.js';

describe('dashboard route matching', () => {
  it('parses hashes into a normalised path and query', () => {
    const location = parseHash('#//search/?q=a%20b&level=ERROR');
    expect(location.path).to.equal('/search');
    expect(location.query.get('q')).to.equal('a b');
    expect(parseHash('').path).to.equal('/');
  });
  it('matches parameters and refuses other shapes and malformed escapes', () => {
    expect(matchPath('/rules/:id', '/rules/high%2Derrors')).to.deep.equal({ id: 'high-errors' });
    expect(matchPath('/rules/:id', '/rules')).to.equal(undefined);
    expect(matchPath('/rules/:id', '/silences/x')).to.equal(undefined);
    expect(matchPath('/rules/:id', '/rules/%E0%A4%A')).to.equal(undefined);
  });
  it('builds hashes, dropping empty values', () => {
    expect(buildHash('/search', { q: 'a&b', service: '', host: undefined })).to.equal('#/search?q=a%26b');
    expect(buildHash('/overview')).to.equal('#/overview');
  });
});
