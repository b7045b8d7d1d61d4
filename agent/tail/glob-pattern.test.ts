import { expect } from 'chai';
import { compileGlob, expandBraces, matchesGlob } from './glob-pattern.js';

describe('glob-pattern', () => {
  const table: Array<[string, string, boolean]> = [
    ['/var/log/*.log', '/var/log/app.log', true],
    ['/var/log/*.log', '/var/log/.hidden.log', true],
    ['/var/log/*.log', '/var/log/app.log.1', false],
    ['/var/log/*.log', '/var/log/sub/app.log', false],
    ['/var/log/app.log*', '/var/log/app.log.1', true],
    ['/var/log/?.log', '/var/log/a.log', true],
    ['/var/log/?.log', '/var/log/ab.log', false],
    ['/var/log/?.log', '/var/log//.log', false],
    ['/var/log/**/*.log', '/var/log/a.log', true],
    ['/var/log/**/*.log', '/var/log/x/y/a.log', true],
    ['/var/log/**/*.log', '/var/logx/a.log', false],
    ['/var/log/**', '/var/log/x/y/z', true],
    ['/var/log/{nginx,apache}/*.log', '/var/log/nginx/access.log', true],
    ['/var/log/{nginx,apache}/*.log', '/var/log/apache/error.log', true],
    ['/var/log/{nginx,apache}/*.log', '/var/log/mysql/error.log', false],
    ['/var/log/{a/b,c}/*.log', '/var/log/a/b/x.log', true],
    ['/var/log/{x{1,2},y}.log', '/var/log/x2.log', true],
    ['/var/log/{x{1,2},y}.log', '/var/log/x3.log', false],
    ['/var/log/a.log', '/var/log/a.log', true],
    ['/var/log/a.log', '/var/log/aXlog', false],
    ['/var/log/\\*.log', '/var/log/*.log', true],
    ['/var/log/\\*.log', '/var/log/a.log', false],
    ['/var/log/[ab].log', '/var/log/[ab].log', true],
    ['/var/log/(x)+.log', '/var/log/(x)+.log', true],
  ];
  for (const [pattern, path, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      expect(matchesGlob(compileGlob(pattern), path)).to.equal(expected);
    });
  }

  it('finds the walk base and depth of each alternative', () => {
    const glob = compileGlob('/var/{log/*.log,lib/**/x.log}');
    expect(glob.alternatives.map(({ base, depth }) => ({ base, depth }))).to.deep.equal([
      { base: '/var/log', depth: 1 },
      { base: '/var/lib', depth: Number.POSITIVE_INFINITY },
    ]);
    expect(compileGlob('/srv/app.log').alternatives[0]).to.include({ base: '/srv', depth: 1 });
  });

  it('expands braces and rejects bad patterns', () => {
    expect(expandBraces('a{b,c}d{e,f}')).to.deep.equal(['abde', 'abdf', 'acde', 'acdf']);
    expect(() => compileGlob('relative/*.log')).to.throw(TypeError, /absolute/);
    expect(() => compileGlob('/var/{a,b')).to.throw(TypeError, /unbalanced/);
  });
});
