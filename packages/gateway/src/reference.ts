/**
 * The interactive reference of a system's public API, served by its gateway at `/reference`:
 * a page and one script, both from here (no CDN, nothing fetched but this gateway's own
 * `/openapi.json` and the calls a person sends). Sign in with a user (password grant through
 * `/oauth/token`) or paste a token, read each operation (roles, parameters, body and answers as
 * JSON Schema), and send it with a body made from the schema. Strict security headers: only this
 * origin's script and style, no framing.
 */
export const REFERENCE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
} as const;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const page = (name: string, system = escapeHtml(name)) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${system}: API reference</title><link rel="stylesheet" href="/reference/app.css"><link rel="icon" href="/reference/icon.svg"></head>
<body data-system="${system}"><header><h1>${system} <small>API reference, through its gateway</small></h1>
<form id="signin"><input name="username" placeholder="user (customer1)" autocomplete="username">
<input name="password" type="password" placeholder="password" autocomplete="current-password">
<input name="client" placeholder="client id:secret" value="bounded-web:dev-secret">
<button>Sign in</button> <span id="who">not signed in</span></form>
<details><summary>or paste a token</summary><textarea id="token" rows="2" placeholder="eyJ…"></textarea></details>
</header><main id="ops">Loading /openapi.json…</main><script src="/reference/app.js"></script></body></html>`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330}
header{padding:12px 20px;background:#f3f5f9;border-bottom:1px solid #d8dde8;position:sticky;top:0}
h1{font-size:18px;margin:0 0 8px}h1 small{font-weight:normal;color:#5b6475}main{padding:12px 20px}
details.op{border:1px solid #d8dde8;border-radius:6px;margin:6px 0;padding:6px 10px}
.m{display:inline-block;width:58px;font-weight:bold;font-family:monospace}.GET{color:#1565c0}.POST{color:#2e7d32}
.PATCH,.PUT{color:#ef6c00}.DELETE{color:#c62828}code,pre,textarea{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f7f8fb;padding:8px;overflow:auto;max-height:320px}textarea{width:100%}.roles{color:#6a1b9a;margin-left:8px}
input{margin-right:4px}.status{font-weight:bold}`;

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1565c0"/></svg>';

/** Runs in the browser (serialised with toString): no imports, DOM only. */
function referenceApp(): void {
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents, read by key
  type Json = Record<string, any>;
  let token = '';
  const $ = (id: string) => document.getElementById(id)!;
  const el = (tag: string, props: Json = {}, ...kids: Array<Node | string>) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...kids);
    return node;
  };
  const deref = (doc: Json, schema: Json | undefined): Json | undefined =>
    schema?.$ref ? doc.components?.schemas?.[String(schema.$ref).split('/').pop()!] : schema;
  const example = (doc: Json, s: Json | undefined): unknown => {
    const schema = deref(doc, s);
    if (!schema) return null;
    if (schema.examples?.length) return schema.examples[0];
    if (schema.enum) return schema.enum[0];
    if (schema.const !== undefined) return schema.const;
    if (schema.anyOf) return example(doc, schema.anyOf[0]);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries<Json>(schema.properties ?? {})) out[k] = example(doc, v);
      return out;
    }
    if (type === 'array') return [example(doc, schema.items)];
    if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
    if (type === 'boolean') return false;
    return schema.minLength ? 'x'.repeat(schema.minLength) : 'text';
  };
  const send = async (method: string, url: string, body?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body || undefined });
    const text = await res.text();
    let shown = text;
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {}
    return `${res.status} ${res.statusText}\n${shown}`;
  };
  const operation = (doc: Json, path: string, method: string, op: Json) => {
    const params: Json[] = op.parameters ?? [];
    const inputs = params.map((p) => el('input', { name: p.name, placeholder: `${p.in} ${p.name}` }));
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const body = bodySchema
      ? el('textarea', { rows: 6, value: JSON.stringify(example(doc, bodySchema), null, 2) })
      : undefined;
    const out = el('pre', { className: 'status' });
    const run = el('button', { textContent: 'Send' });
    run.addEventListener('click', async () => {
      let url = path;
      const query = new URLSearchParams();
      params.forEach((p, i) => {
        const value = (inputs[i] as HTMLInputElement).value;
        if (!value) return;
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(value));
        else if (p.in === 'query') query.append(p.name, value);
      });
      out.textContent = 'sending…';
      const q = query.toString();
      out.textContent = await send(
        method.toUpperCase(),
        q ? `${url}?${q}` : url,
        (body as HTMLTextAreaElement)?.value,
      );
    });
    const answers = Object.entries<Json>(op.responses ?? {}).map(
      ([status, r]) => `${status} ${r.description ?? ''}`,
    );
    return el(
      'details',
      { className: 'op' },
      el(
        'summary',
        {},
        el('span', { className: `m ${method.toUpperCase()}`, textContent: method.toUpperCase() }),
        el('code', { textContent: path }),
        el('span', {
          className: 'roles',
          textContent: op['x-roles'] ? `roles: ${op['x-roles'].join(', ')}` : '',
        }),
      ),
      el('p', { textContent: op.description ?? '' }),
      ...(bodySchema
        ? [
            el('h4', { textContent: 'Body' }),
            el('pre', { textContent: JSON.stringify(deref(doc, bodySchema), null, 2) }),
          ]
        : []),
      el('h4', { textContent: 'Answers' }),
      el('pre', { textContent: answers.join('\n') }),
      el('h4', { textContent: 'Try it' }),
      ...inputs,
      ...(body ? [body] : []),
      run,
      out,
    );
  };
  const render = (doc: Json) => {
    const main = $('ops');
    main.textContent = '';
    if (doc.info?.description) main.append(el('p', { textContent: doc.info.description }));
    for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        if (item[method]) main.append(operation(doc, path, method, item[method]));
      }
    }
  };
  $('token').addEventListener('input', (e) => {
    token = (e.target as HTMLTextAreaElement).value.trim();
    $('who').textContent = token ? 'token pasted' : 'not signed in';
  });
  $('signin').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const res = await fetch('/oauth/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(String(form.get('client')))}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'password',
        username: String(form.get('username')),
        password: String(form.get('password')),
        audience: document.body.dataset.system ?? '',
      }),
    });
    const answer = await res.json();
    token = res.ok ? answer.access_token : '';
    $('who').textContent = res.ok
      ? `signed in as ${form.get('username')}`
      : `refused: ${answer.message ?? res.status}`;
  });
  fetch('/openapi.json')
    .then((r) => r.json())
    .then(render)
    .catch((error) => {
      $('ops').textContent = `Could not read /openapi.json: ${error}`;
    });
}

// tsx and esbuild may name functions through a helper the browser does not have.
const SCRIPT = `var __name = (f) => f;\n(${referenceApp.toString()})();\n`;

/** `/reference` (the page) and its script, style and icon, open like `/openapi.json`. */
export function referenceAsset(path: string, system: string): { type: string; body: string } | undefined {
  if (path === '/reference' || path === '/reference/')
    return { type: 'text/html; charset=utf-8', body: page(system) };
  if (path === '/reference/app.js') return { type: 'text/javascript; charset=utf-8', body: SCRIPT };
  if (path === '/reference/app.css') return { type: 'text/css; charset=utf-8', body: STYLE };
  if (path === '/reference/icon.svg') return { type: 'image/svg+xml', body: ICON };
  return undefined;
}
