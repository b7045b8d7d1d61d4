import { expect } from 'chai';
import { agentConfigSchema } from './config.js';

describe('agent config', () => {
  const file = { type: 'file', id: 'app', include: ['/var/log/app/*.log'] };

  it('fills defaults (agentId from the hostname, logs.raw, gzip, batch fsync)', () => {
    const config = agentConfigSchema.parse({ sources: [file] });
    expect(config.agentId).to.be.a('string').and.not.equal('');
    expect(config.kafka).to.include({ topic: 'logs.raw', compression: 'gzip' });
    expect(config.spool.fsync).to.equal('batch');
    expect(config.metricsPort).to.equal(9405);
  });

  it('rejects unknown keys, duplicate source ids and short HTTP tokens', () => {
    expect(agentConfigSchema.safeParse({ sources: [file], kafak: {} }).success).to.equal(false);
    expect(agentConfigSchema.safeParse({ sources: [{ ...file, colour: 1 }] }).success).to.equal(false);
    expect(agentConfigSchema.safeParse({ sources: [file, file] }).success).to.equal(false);
    expect(agentConfigSchema.safeParse({ sources: [{ type: 'http', id: 'h', tokens: ['short'] }] }).success).to.equal(false);
    expect(agentConfigSchema.safeParse({ sources: [{ type: 'file', id: 'r', include: ['relative/*.log'] }] }).success).to.equal(false);
  });

  it('accepts a multiline rule and a parser per source', () => {
    const config = agentConfigSchema.parse({ sources: [{ ...file, multiline: { preset: 'java' }, parser: { format: 'logfmt' }, labels: { service: 's', env: 'dev' } }] });
    const source = config.sources[0];
    expect(source?.type === 'file' && source.multiline?.preset).to.equal('java');
  });
});
