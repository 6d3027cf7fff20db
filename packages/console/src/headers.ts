/**
 * The console's security headers, on every response of the endpoint it is served from (the page,
 * its assets, its data and its SSE streams). The page needs nothing but its own origin: scripts,
 * styles and data are all served locally, so anything else — an injected script, a CDN, a frame
 * of the console inside another site — is refused by the browser.
 */
import type { App } from '@bounded/kernel';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // frame-ancestors' forerunner, for browsers that do not read it.
  'x-frame-options': 'DENY',
};

export function addSecurityHeaders(app: App): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });
}
