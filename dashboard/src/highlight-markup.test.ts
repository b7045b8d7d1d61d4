import { expect } from 'chai';
import { decodeEntities, parseHighlight } from './highlight-markup.js';

describe('dashboard highlight markup', () => {
  it('splits marked and plain runs and decodes the html encoder entities', () => {
    expect(parseHighlight('Received block <mark>blk_123</mark> of size &lt;67108864&gt; from &#x2F;10.0.0.1 &amp; &quot;x&quot; &#39;y&#39;')).to.deep.equal([
      { text: 'Received block ', marked: false },
      { text: 'blk_123', marked: true },
      { text: ' of size <67108864> from /10.0.0.1 & "x" \'y\'', marked: false },
    ]);
  });
  it('keeps hostile markup as text: escaped tags decode to text, never to elements', () => {
    const segments = parseHighlight('&lt;img src=x onerror=alert(1)&gt; <mark>&lt;script&gt;</mark>');
    expect(segments).to.deep.equal([
      { text: '<img src=x onerror=alert(1)> ', marked: false },
      { text: '<script>', marked: true },
    ]);
  });
  it('treats unbalanced markers as boundaries and merges adjacent runs', () => {
    expect(parseHighlight('a</mark>b<mark>c<mark>d')).to.deep.equal([
      { text: 'ab', marked: false },
      { text: 'cd', marked: true },
    ]);
    expect(parseHighlight('')).to.deep.equal([]);
  });
  it('leaves unknown, out-of-range and surrogate entities as written', () => {
    expect(decodeEntities('&bogus; &#x110000; &#xD800; &#0; &#65;')).to.equal('&bogus; &#x110000; &#xD800; &#0; A');
  });
});
