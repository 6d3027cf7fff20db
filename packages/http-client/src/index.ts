export type {
  BreakerState,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  ResponseHeaders,
} from './client.ts';
export { createHttpClient } from './client.ts';
export type { DependencyUnavailableCode } from './errors.ts';
export { DependencyRejectedError, DependencyUnavailableError } from './errors.ts';
