// The dashboard never turns data into markup: no source file (and no module of the built bundle)
// uses an HTML sink; every node is built by dashboard/src/dom.ts with text nodes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

const SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser)\b|\beval\(|new Function\(|setAttribute\(\s*['"](style|on\w+)['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : []));
}

describe('dashboard sources', () => {
  it('use no HTML sink, eval or inline handler attribute (comments aside)', () => {
    const files = sources(join(import.meta.dirname, 'src'));
    expect(files.length).to.be.greaterThan(20);
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line) && SINKS.test(line))
        .map(({ at }) => at),
    );
    expect(offenders).to.deep.equal([]);
  });
  it('has the guard itself working: it catches a sink', () => {
    expect(SINKS.test('el.innerHTML = x')).to.equal(true);
    expect(SINKS.test("el.setAttribute('onclick', x)")).to.equal(true);
    expect(SINKS.test('el.textContent = x')).to.equal(false);
  });
});
