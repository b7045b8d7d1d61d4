/**
 * Reads the API's highlighted message safely. The API asks OpenSearch for the `html` encoder, so a
 * fragment is the message with every special character escaped as an entity and the matches wrapped
 * in literal `<mark>` and `</mark>`. Only those two markers carry meaning; everything else is text,
 * and the result is rendered with text nodes, never parsed as HTML.
 */

/** A run of text, marked when it is part of a match. */
export interface HighlightSegment {
  readonly text: string;
  readonly marked: boolean;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the entities the html encoder writes (named ones and numeric `&#39;` / `&#x2F;`); an unknown entity stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      // Lone surrogates and out-of-range code points would throw in fromCodePoint: keep the text.
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return ENTITIES[body] ?? whole;
  });
}

/** Splits a highlight fragment into text and marked runs; unbalanced markers are treated as text boundaries, never as HTML. */
export function parseHighlight(fragment: string): HighlightSegment[] {
  const segments: HighlightSegment[] = [];
  let marked = false;
  for (const part of fragment.split(/(<\/?mark>)/)) {
    if (part === '<mark>') {
      marked = true;
      continue;
    }
    if (part === '</mark>') {
      marked = false;
      continue;
    }
    if (part === '') continue;
    const text = decodeEntities(part);
    const last = segments.at(-1);
    if (last !== undefined && last.marked === marked) segments[segments.length - 1] = { text: last.text + text, marked };
    else segments.push({ text, marked });
  }
  return segments;
}
