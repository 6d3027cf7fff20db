/**
 * Spring Data REST's HAL shapes, as plain objects any route can return with HAL_CONTENT_TYPE.
 * `baseUrl` is the public origin plus any gateway prefix (see baseUrlOf), without a trailing slash.
 */

export const HAL_CONTENT_TYPE = 'application/hal+json';

export interface HalLink {
  href: string;
}
export type HalLinks = Record<string, HalLink>;

export type HalResource<E extends { id: string | number }> = E & { _links: HalLinks };

export interface PageRequest {
  /** Zero-based page number. */
  number: number;
  size: number;
  totalElements: number;
}

export interface PageMetadata {
  size: number;
  totalElements: number;
  totalPages: number;
  number: number;
}

export interface HalCollection<T> {
  _embedded: Record<string, T[]>;
  _links: HalLinks;
  page: PageMetadata;
}

export interface SortOrder {
  field: string;
  direction: 'asc' | 'desc';
}

/** `baseUrl + collectionPath + '/' + id`: the resource's self href, also the `Location` of a 201. */
export function resourceHref(baseUrl: string, collectionPath: string, id: string | number): string {
  return `${collectionHref(baseUrl, collectionPath)}/${encodeURIComponent(String(id))}`;
}

/**
 * The rel Spring names after the entity: 'orders' → 'order', 'deliveries' → 'delivery',
 * 'addresses' → 'address'. English is irregular; pass the singular to halResource when this guesses wrong.
 */
export function singularOf(collectionPath: string): string {
  const plural = collectionPath.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/[^aeiou]ies$/i.test(plural)) return `${plural.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/i.test(plural)) return plural.slice(0, -2);
  if (/[^su]s$/i.test(plural) && !/is$/i.test(plural)) return plural.slice(0, -1);
  return plural;
}

/**
 * A single resource: its fields, `id`, and `_links` with `self`, the singular rel (same href) and
 * `rels`. A rel's value is an absolute URL, a path from baseUrl ('/deliveries/3'), or a path relative
 * to the resource ('cancel' → '…/orders/1/cancel').
 */
export function halResource<E extends { id: string | number }>(
  baseUrl: string,
  collectionPath: string,
  entity: E,
  rels: Record<string, string> = {},
  singular: string = singularOf(collectionPath),
): HalResource<E> {
  const self = resourceHref(baseUrl, collectionPath, entity.id);
  const _links: HalLinks = { self: { href: self }, [singular]: { href: self } };
  for (const [rel, target] of Object.entries(rels)) {
    _links[rel] = { href: resolveHref(baseUrl, self, target) };
  }
  return { ...entity, id: entity.id, _links };
}

/**
 * A page of a collection. `items` are already HAL resources. Besides `self` and `profile`, adds
 * Spring's `first`/`prev`/`next`/`last` links when there is more than one page (`sort` is kept in them).
 */
export function halCollection<T>(
  baseUrl: string,
  collectionPath: string,
  plural: string,
  items: T[],
  page: PageRequest,
  opts: { sort?: SortOrder[] } = {},
): HalCollection<T> {
  const self = collectionHref(baseUrl, collectionPath);
  const totalPages = page.size > 0 ? Math.ceil(page.totalElements / page.size) : 0;
  const _links: HalLinks = { self: { href: self } };
  if (totalPages > 1) {
    const at = (n: number): HalLink => ({ href: pageHref(self, n, page.size, opts.sort) });
    _links.first = at(0);
    if (page.number > 0) _links.prev = at(Math.min(page.number, totalPages) - 1);
    if (page.number < totalPages - 1) _links.next = at(page.number + 1);
    _links.last = at(totalPages - 1);
  }
  _links.profile = { href: `${trimBase(baseUrl)}/profile${leadingSlash(collectionPath)}` };
  return {
    _embedded: { [plural]: items },
    _links,
    page: { size: page.size, totalElements: page.totalElements, totalPages, number: page.number },
  };
}

function pageHref(self: string, number: number, size: number, sort: SortOrder[] = []): string {
  const query = [`page=${number}`, `size=${size}`];
  for (const s of sort) query.push(`sort=${encodeURIComponent(s.field)},${s.direction}`);
  return `${self}?${query.join('&')}`;
}

function resolveHref(baseUrl: string, self: string, target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  if (target.startsWith('/')) return `${trimBase(baseUrl)}${target}`;
  return `${self}/${target}`;
}

function collectionHref(baseUrl: string, collectionPath: string): string {
  return `${trimBase(baseUrl)}${leadingSlash(collectionPath).replace(/\/+$/, '')}`;
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

function leadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
