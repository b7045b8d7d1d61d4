import { expect } from 'chai';
import { copyStringMap, ownString, setOwn } from './own-fields.js';

describe('own-fields', () => {
  it('reads own keys only', () => {
    const map = JSON.parse('{"a":"1","__proto__":"p","n":5}') as Record<string, unknown>;
    expect(ownString(map, 'a')).to.equal('1');
    expect(ownString(map, 'n')).to.equal('5');
    expect(ownString(map, '__proto__')).to.equal('p');
    expect(ownString({}, 'constructor')).to.equal(undefined);
    expect(ownString({}, 'toString')).to.equal(undefined);
  });
  it('keeps __proto__ as data and never touches prototypes', () => {
    const out: Record<string, string> = {};
    setOwn(out, '__proto__', 'x');
    expect(Object.keys(out)).to.deep.equal(['__proto__']);
    expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).x).to.equal(undefined);
    const copy = copyStringMap(JSON.parse('{"__proto__":"a","constructor":"b","k":1,"o":{"z":1},"nil":null}') as Record<string, unknown>, new Set(['k']));
    expect(JSON.stringify(copy)).to.equal('{"__proto__":"a","constructor":"b","o":"{\\"z\\":1}"}');
    expect(copyStringMap(null)).to.deep.equal({});
  });
});
