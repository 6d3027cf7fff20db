#!/usr/bin/env node
// npx bounded <verb> — talks to the running runner (`npm start`) on its control port.
const CONTROL = `http://127.0.0.1:${process.env.BOUNDED_CONTROL_PORT ?? 8000}`;
const [verb, target, extra] = process.argv.slice(2);
const USAGE = `usage: bounded status [--json]
       bounded stop|start|restart|logs <system>/<service>
       bounded scale <system>/<service> <replicas>`;

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(CONTROL + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    console.error(`The runner is not running (nothing answers on ${CONTROL}). Start it with: npm start`);
    process.exit(2);
  }
  const payload = await response.json();
  if (!response.ok) {
    console.error(`${payload.message ?? response.statusText}`);
    process.exit(1);
  }
  return payload;
}

function table(rows) {
  if (rows.length === 0) return '(none)';
  const widths = Object.keys(rows[0]).map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (values) => values.map((v, i) => String(v).padEnd(widths[i])).join('  ');
  return [line(Object.keys(rows[0])), ...rows.map((r) => line(Object.values(r)))].join('\n');
}

function processPath(name) {
  if (!name || !name.includes('/')) {
    console.error(USAGE);
    process.exit(2);
  }
  return `/processes/${name}`;
}

switch (verb) {
  case 'status': {
    const status = await call('GET', '/status');
    if (target === '--json') {
      console.log(JSON.stringify(status, null, 2));
      break;
    }
    for (const g of status.gateways) console.log(`gateway ${g.system.padEnd(16)} ${g.url}`);
    console.log();
    console.log(
      table(
        status.instances.map((i) => ({
          process: `${i.id}#${i.replica}`,
          pid: i.pid ?? '-',
          port: i.port,
          state: i.state,
          ready: i.ready ? 'yes' : 'no',
          restarts: i.restarts,
        })),
      ),
    );
    // Sync calls: where each caller's <NAME>_URL points (an override from the environment marks
    // an external service, e.g. a generated Java payment behind our order).
    if (status.calls?.length) {
      console.log();
      console.log(
        table(
          status.calls.map((c) => ({
            'sync call': `${c.from} → ${c.callee}`,
            env: c.env,
            url: c.url,
            from: c.source === 'runner' ? 'runner' : `${c.source} (external)`,
          })),
        ),
      );
    }
    break;
  }
  case 'stop':
  case 'start':
  case 'restart': {
    const result = await call('POST', `${processPath(target)}/${verb}`);
    console.log(`${verb}: ${target} (${result.instances.length} instance(s) now)`);
    break;
  }
  case 'scale': {
    const replicas = Number(extra);
    if (!Number.isInteger(replicas)) {
      console.error(USAGE);
      process.exit(2);
    }
    const result = await call('POST', `${processPath(target)}/scale`, { replicas });
    console.log(`scaled ${target} to ${result.instances.length}`);
    break;
  }
  case 'logs': {
    const { lines } = await call('GET', `${processPath(target)}/logs`);
    for (const line of lines) console.log(line);
    break;
  }
  default:
    console.error(USAGE);
    process.exit(verb ? 2 : 0);
}
