import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { compileLinePattern, createRegexParser, findNestedQuantifier } from './regex.js';

const ctx = { now: Date.UTC(2026, 11, 1) };

describe('regex parser', () => {
  it('promotes timestamp, level and message and keeps other groups as fields', () => {
    const parse = createRegexParser({ pattern: '^(?<timestamp>\\S+) \\[(?<level>\\w+)\\] (?<user>\\w+): (?<message>.*)$' });
    const p = parse('2026-12-01T10:22:54Z [warning] alice: quota at 91% took 12ms', ctx);
    expect(p).to.deep.include({ level: 'WARN', levelText: 'warning', message: 'quota at 91% took 12ms', timestampMs: Date.parse('2026-12-01T10:22:54Z'), format: 'regex' });
    expect(p?.fields).to.deep.equal({ user: 'alice' });
    expect(parse('no match here', ctx)).to.equal(undefined);
  });

  it('validates at config time', () => {
    expect(() => compileLinePattern('(?<a>[')).to.throw(ConfigError, /invalid regular expression/);
    expect(() => compileLinePattern('^(\\w+)$')).to.throw(ConfigError, /named group/);
    expect(() => compileLinePattern('^(?<m>(a+)+)$')).to.throw(ConfigError, /nested quantifiers/);
  });

  it('finds nested unbounded quantifiers but allows bounded ones', () => {
    expect(findNestedQuantifier('(a+)+')).to.equal('(a+)+');
    expect(findNestedQuantifier('(?:\\w*\\s?)*')).to.equal('(?:\\w*\\s?)*');
    expect(findNestedQuantifier('(?:x|y+){2,}')).to.equal('(?:x|y+){2,}');
    expect(findNestedQuantifier('((a)+b)*')).to.equal('((a)+b)*');
    expect(findNestedQuantifier('(?<ip>(?:\\d{1,3}\\.){3}\\d{1,3})')).to.equal(undefined);
    expect(findNestedQuantifier('[(a+)+]')).to.equal(undefined);
    expect(findNestedQuantifier('\\(a+\\)+')).to.equal(undefined);
    expect(findNestedQuantifier('^(?<m>.*)$')).to.equal(undefined);
  });

  it('matches only the first maxLineLength characters', () => {
    const parse = createRegexParser({ pattern: '^(?<message>x+)$', maxLineLength: 10 });
    expect(parse('x'.repeat(10), ctx)?.message).to.equal('x'.repeat(10));
    expect(parse('x'.repeat(11), ctx)?.message).to.equal('x'.repeat(10));
    expect(parse('xxxxx yyyyyyyyyy', ctx)).to.equal(undefined);
  });

  it('keeps a group named `__proto__` as a field', () => {
    const p = createRegexParser({ pattern: '^(?<__proto__>\\w+) (?<message>.*)$' })('abc hello', ctx);
    expect(Object.getOwnPropertyDescriptor(p?.fields, '__proto__')?.value).to.equal('abc');
    expect(p?.message).to.equal('hello');
  });
});
