import { expect } from 'chai';
import { levelFromHttpStatus, levelFromNumber, levelFromOtelSeverityNumber, levelFromSyslogSeverity, normalizeLevel } from './level.js';

describe('normalizeLevel', () => {
  const cases: [string | number, string | undefined][] = [
    ['warn', 'WARN'], ['WARNING', 'WARN'], ['Warning', 'WARN'], ['W', 'WARN'], ['wrn', 'WARN'],
    ['err', 'ERROR'], ['ERROR', 'ERROR'], ['E', 'ERROR'], ['severe', 'ERROR'], ['SEVERE', 'ERROR'],
    ['CRIT', 'FATAL'], ['critical', 'FATAL'], ['CRITICAL', 'FATAL'], ['emerg', 'FATAL'], ['alert', 'FATAL'], ['panic', 'FATAL'], ['dpanic', 'FATAL'], ['fatal', 'FATAL'], ['F', 'FATAL'],
    ['notice', 'NOTICE'], ['info', 'INFO'], ['I', 'INFO'], ['INFORMATION', 'INFO'],
    ['debug', 'DEBUG'], ['D', 'DEBUG'], ['fine', 'DEBUG'], ['CONFIG', 'DEBUG'],
    ['finer', 'TRACE'], ['finest', 'TRACE'], ['trace', 'TRACE'], ['V', 'TRACE'], ['trace4', 'TRACE'],
    ['[warn]', 'WARN'], [' ERROR: ', 'ERROR'], ['<error>', 'ERROR'],
    [0, 'FATAL'], [2, 'FATAL'], [3, 'ERROR'], [4, 'WARN'], [5, 'NOTICE'], [6, 'INFO'], [7, 'DEBUG'], ['3', 'ERROR'],
    [10, 'TRACE'], [20, 'DEBUG'], [30, 'INFO'], [40, 'WARN'], [50, 'ERROR'], [60, 'FATAL'], [35, 'INFO'], ['50', 'ERROR'],
    ['banana', undefined], ['', undefined], [8, undefined], [404, undefined], [-1, undefined], ['x'.repeat(100), undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${String(expected)}`, () => expect(normalizeLevel(input)).to.equal(expected));
  }
  it('ignores booleans and nullish', () => {
    expect(normalizeLevel(true)).to.equal(undefined);
    expect(normalizeLevel(undefined)).to.equal(undefined);
    expect(normalizeLevel(null)).to.equal(undefined);
  });
});

describe('numeric levels', () => {
  it('maps every syslog severity', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(levelFromSyslogSeverity)).to.deep.equal(['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG']);
    expect(levelFromSyslogSeverity(8)).to.equal(undefined);
  });
  it('maps pino levels and rejects out-of-range numbers', () => {
    expect(levelFromNumber(45)).to.equal('WARN');
    expect(levelFromNumber(70)).to.equal(undefined);
    expect(levelFromNumber(Number.NaN)).to.equal(undefined);
  });
  it('maps OpenTelemetry severity numbers in blocks of four and rejects the rest', () => {
    expect([1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24].map(levelFromOtelSeverityNumber)).to.deep.equal(
      ['TRACE', 'TRACE', 'DEBUG', 'DEBUG', 'INFO', 'INFO', 'WARN', 'WARN', 'ERROR', 'ERROR', 'FATAL', 'FATAL'],
    );
    expect([0, 25, 9.5, -1, Number.NaN, Number.POSITIVE_INFINITY].map(levelFromOtelSeverityNumber)).to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
  it('reads Serilog short names and winston silly', () => {
    expect(['VRB', 'vrb', 'silly', 'DBG', 'INF', 'WRN', 'ERR', 'FTL'].map((t) => normalizeLevel(t))).to.deep.equal(['TRACE', 'TRACE', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
  });
  it('maps HTTP statuses for access logs', () => {
    expect(levelFromHttpStatus(503)).to.equal('ERROR');
    expect(levelFromHttpStatus(404)).to.equal('WARN');
    expect(levelFromHttpStatus(200)).to.equal('INFO');
    expect(levelFromHttpStatus(304)).to.equal('INFO');
  });
});
