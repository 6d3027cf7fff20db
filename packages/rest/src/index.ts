export type { RequestLike } from './base-url.ts';
export { baseUrlOf } from './base-url.ts';
export type {
  HalCollection,
  HalLink,
  HalLinks,
  HalResource,
  PageMetadata,
  PageRequest,
  SortOrder,
} from './hal.ts';
export { HAL_CONTENT_TYPE, halCollection, halResource, resourceHref, singularOf } from './hal.ts';
export type { FieldError, Paging, PagingOptions, PagingQuery } from './paging.ts';
export { parsePaging, RequestInvalidError } from './paging.ts';
