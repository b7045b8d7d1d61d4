import type { OpenApiDocument } from './openapi-document.js';

/** The Content-Security-Policy of the docs page: no scripts at all, only its own inline style. */
export const DOCS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the document as one self-contained HTML page (no script, no CDN): each operation with its access, parameters, body and answers. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const info = doc['info'] as { title: string; version: string; description: string };
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = (op.parameters ?? [])
        .map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`)
        .join('');
      const body = op.requestBody === undefined ? '' : `<h4>Body</h4><pre>${escapeHtml(JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2))}</pre>`;
      const responses = Object.entries(op.responses)
        .map(([status, r]) => `<li><b>${escapeHtml(status)}</b> ${escapeHtml(r.description)}</li>`)
        .join('');
      sections.push(`<section id="${escapeHtml(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)} <span class="access">access: ${escapeHtml(op['x-sawmill-access'])}</span></p>
${params === '' ? '' : `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params}</table>`}${body}<ul>${responses}</ul></section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}section{border-top:1px solid #ddd;padding:.5em 0}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:2px 4px}.get{background:#2b7}.post{background:#27c}.put{background:#c82}.patch{background:#a6c}.delete{background:#c33}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:20em}.access{color:#777;margin-left:1em}</style></head>
<body><h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p><p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>
${sections.join('\n')}</body></html>`;
}
