/** What baseUrlOf needs from a request; a Fastify request fits. */
export interface RequestLike {
  /** 'http' | 'https' (Fastify's request.protocol). */
  protocol?: string;
  /** Host header value, possibly with a port (Fastify's request.host). */
  host?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The public base URL links should use: `proto://host[:port][prefix]`, no trailing slash.
 * Honours the headers a gateway sets, as Spring's ForwardedHeaderFilter does: `X-Forwarded-Proto`,
 * `X-Forwarded-Host`, `X-Forwarded-Port`, `X-Forwarded-Prefix` (first value of a comma list; several
 * prefixes are joined). Malformed values are ignored rather than echoed into links and Location headers.
 * Only put a service behind a gateway that overwrites these headers: a client can send them too.
 */
export function baseUrlOf(req: RequestLike): string {
  const forwardedProto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  const proto =
    forwardedProto === 'http' || forwardedProto === 'https'
      ? forwardedProto
      : req.protocol === 'https'
        ? 'https'
        : 'http';

  const forwardedHost = firstValue(req.headers['x-forwarded-host']);
  let host =
    validHost(forwardedHost) ?? validHost(req.host) ?? validHost(firstValue(req.headers.host)) ?? 'localhost';

  const port = firstValue(req.headers['x-forwarded-port']);
  if (port !== undefined && /^\d{1,5}$/.test(port)) {
    host = withPort(host, Number(port), proto);
  }

  return `${proto}://${host}${prefixOf(req.headers['x-forwarded-prefix'])}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  const first = raw?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
}

function validHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  // hostname, IPv4 or [IPv6], optional port
  return /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host) ? host : undefined;
}

function withPort(host: string, port: number, proto: string): string {
  const hostname = host.replace(/:\d+$/, '');
  const isDefault = (proto === 'http' && port === 80) || (proto === 'https' && port === 443);
  return isDefault ? hostname : `${hostname}:${port}`;
}

function prefixOf(value: string | string[] | undefined): string {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) =>
    v.split(','),
  );
  let prefix = '';
  for (const v of values) {
    const segment = v.trim().replace(/^\/+|\/+$/g, '');
    if (segment === '') continue;
    if (!/^[A-Za-z0-9._~!$&'()*+;=:@%/-]+$/.test(segment)) return '';
    prefix += `/${segment}`;
  }
  return prefix;
}
