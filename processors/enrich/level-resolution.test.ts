import { expect } from 'chai';
import { readGlogHeader } from './glog-prefix.js';
import { resolveLevel } from './level-resolution.js';

const fromText = (levelText: string) => resolveLevel({ level: null, parsedFields: { levelText } }, undefined);
const fromField = (key: string, value: string) => resolveLevel({ level: null, parsedFields: { [key]: value } }, undefined);

describe('resolveLevel', () => {
  it('normalizes every common spelling written in the line', () => {
    const spellings: Array<[string, string]> = [
      ['info', 'INFO'], ['INFO', 'INFO'], ['Information', 'INFO'], ['I', 'INFO'], ['notice', 'NOTICE'],
      ['warn', 'WARN'], ['WARNING', 'WARN'], ['Warning:', 'WARN'], ['W', 'WARN'], ['[warn]', 'WARN'],
      ['error', 'ERROR'], ['ERR', 'ERROR'], ['E', 'ERROR'], ['SEVERE', 'ERROR'],
      ['FATAL', 'FATAL'], ['CRITICAL', 'FATAL'], ['crit', 'FATAL'], ['emerg', 'FATAL'], ['alert', 'FATAL'], ['panic', 'FATAL'], ['dpanic', 'FATAL'], ['F', 'FATAL'],
      ['debug', 'DEBUG'], ['FINE', 'DEBUG'], ['CONFIG', 'DEBUG'], ['D', 'DEBUG'],
      ['trace', 'TRACE'], ['FINER', 'TRACE'], ['FINEST', 'TRACE'], ['verbose', 'TRACE'], ['V', 'TRACE'], ['trace3', 'TRACE'],
      ['0', 'FATAL'], ['2', 'FATAL'], ['3', 'ERROR'], ['<3>', 'ERROR'], ['4', 'WARN'], ['5', 'NOTICE'], ['6', 'INFO'], ['7', 'DEBUG'],
      ['30', 'INFO'], ['50', 'ERROR'], ['60', 'FATAL'],
    ];
    const got = spellings.map(([text]) => fromText(text).level);
    expect(got).to.deep.equal(spellings.map(([, level]) => level));
    expect(fromText('WARNING')).to.deep.equal({ level: 'WARN', levelText: 'WARNING', sourceKey: 'levelText' });
  });

  it("trusts the agent's level and keeps the text as written", () => {
    expect(resolveLevel({ level: 'WARN', parsedFields: { levelText: 'warning' } }, undefined)).to.deep.equal({ level: 'WARN', levelText: 'warning', sourceKey: 'levelText' });
    expect(resolveLevel({ level: 'ERROR', parsedFields: {} }, undefined)).to.deep.equal({ level: 'ERROR', levelText: null, sourceKey: null });
  });

  it('falls back from an unrecognised agent level to the text and the structured fields, in order', () => {
    expect(resolveLevel({ level: 'bogus', parsedFields: { severity: 'err' } }, undefined)).to.deep.equal({ level: 'ERROR', levelText: 'err', sourceKey: 'severity' });
    expect(fromField('lvl', 'dbg')).to.deep.equal({ level: 'DEBUG', levelText: 'dbg', sourceKey: 'lvl' });
    expect(fromField('log.level', 'warn')).to.deep.equal({ level: 'WARN', levelText: 'warn', sourceKey: 'log.level' });
    expect(fromField('levelname', 'CRITICAL')).to.deep.equal({ level: 'FATAL', levelText: 'CRITICAL', sourceKey: 'levelname' });
    expect(fromField('PRIORITY', '3')).to.deep.equal({ level: 'ERROR', levelText: '3', sourceKey: 'PRIORITY' });
    expect(resolveLevel({ level: null, parsedFields: { level: 'nonsense', severity: 'INFO' } }, undefined)).to.deep.equal({ level: 'INFO', levelText: 'INFO', sourceKey: 'severity' });
  });

  it('reads OpenTelemetry severity numbers only from their own keys', () => {
    expect(fromField('severity_number', '17')).to.deep.equal({ level: 'ERROR', levelText: '17', sourceKey: 'severity_number' });
    expect(fromField('SeverityNumber', '9')).to.deep.equal({ level: 'INFO', levelText: '9', sourceKey: 'SeverityNumber' });
    expect(fromField('severity_number', '99').level).to.equal('UNKNOWN');
  });

  it('reads the glog letter when nothing else names a level', () => {
    const glog = readGlogHeader('W1201 10:22:54.123456  1234 server.go:42] slow', Date.UTC(2026, 11, 1, 12), undefined);
    expect(resolveLevel({ level: null, parsedFields: {} }, glog)).to.deep.equal({ level: 'WARN', levelText: 'W', sourceKey: null });
  });

  it('gives UNKNOWN and keeps an unrecognised text; ignores hostile values', () => {
    expect(fromText('whatever')).to.deep.equal({ level: 'UNKNOWN', levelText: 'whatever', sourceKey: 'levelText' });
    expect(resolveLevel({ level: null, parsedFields: {} }, undefined)).to.deep.equal({ level: 'UNKNOWN', levelText: null, sourceKey: null });
    expect(fromText('E'.repeat(100_000))).to.deep.equal({ level: 'UNKNOWN', levelText: null, sourceKey: null });
    expect(fromField('level', '\u0000ERROR\u0007').level).to.equal('UNKNOWN');
    const proto = JSON.parse('{"__proto__":"ERROR","constructor":"x"}') as Record<string, string>;
    expect(resolveLevel({ level: null, parsedFields: proto }, undefined).level).to.equal('UNKNOWN');
    // Inherited members (Object.prototype.constructor) are not fields.
    expect(resolveLevel({ level: null, parsedFields: {} as Record<string, string> }, undefined).levelText).to.equal(null);
  });
});
