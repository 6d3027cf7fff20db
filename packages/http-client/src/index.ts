export type {
  BreakerState,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  ResponseHeaders,
} from './client.ts';
export { createHttpClient, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_QUEUE } from './client.ts';
export type { DependencyUnavailableCode } from './errors.ts';
export { DependencyRejectedError, DependencyUnavailableError } from './errors.ts';
