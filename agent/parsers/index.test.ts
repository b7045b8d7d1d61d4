import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { createParser, PARSER_FORMATS, parserConfigSchema } from './index.js';

const now = Date.UTC(2026, 11, 15);

describe('createParser', () => {
  it('defaults to auto and adds a latency found in the text', () => {
    const parser = createParser();
    expect(parser.format).to.equal('auto');
    expect(parser.parse('2026-12-01T10:22:54Z INFO request took 123ms', { now })).to.deep.include({ level: 'INFO', latencyMs: 123 });
    expect(createParser({ latencyFromText: false }).parse('request took 123ms', { now }).latencyMs).to.equal(undefined);
  });

  it('falls back to the plain parse when the configured format does not match', () => {
    const p = createParser({ format: 'json' }).parse('not json ERROR', { now });
    expect(p).to.deep.include({ format: 'plain', level: 'ERROR' });
  });

  it('applies the configured zone to zone-less timestamps', () => {
    const p = createParser({ format: 'hadoop', timezone: 'Europe/Paris' }).parse('2015-10-18 18:01:47,978 INFO [main] a.B: c', { now });
    expect(p.timestampMs).to.equal(Date.UTC(2015, 9, 18, 16, 1, 47, 978));
  });

  it('builds a regex parser and validates it at config time', () => {
    const parser = createParser({ format: 'regex', pattern: '^(?<level>\\w+) (?<message>.*)$' });
    expect(parser.parse('warn disk full', { now })).to.deep.include({ level: 'WARN', message: 'disk full', format: 'regex' });
    expect(() => createParser({ format: 'regex', pattern: '^(?<m>(a+)+)$' }, 'agent.yaml')).to.throw(ConfigError).with.property('key', 'pattern');
    expect(() => createParser({ format: 'regex' })).to.throw(ConfigError, /needs a pattern/);
    expect(() => createParser({ format: 'json', pattern: 'x' })).to.throw(ConfigError, /only used with format regex/);
  });

  it('rejects unknown keys, formats and zones with the key named', () => {
    expect(() => createParser({ format: 'xml' } as never)).to.throw(ConfigError).with.property('key', 'format');
    expect(() => createParser({ timezone: 'Mars/Olympus' }, 'agent.yaml')).to.throw(ConfigError).that.satisfies((e: ConfigError) => e.key === 'timezone' && e.source === 'agent.yaml');
    expect(() => createParser({ colour: 'red' } as never)).to.throw(ConfigError);
  });

  it('has a parser for every listed format and a described schema', () => {
    for (const format of PARSER_FORMATS) {
      const config = format === 'regex' ? { format, pattern: '(?<message>.*)' } : { format };
      expect(createParser(config).parse('x', { now }).message, format).to.equal('x');
    }
    expect(parserConfigSchema.description).to.be.a('string');
  });
});
