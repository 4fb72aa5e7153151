import type { ServerOptions } from 'node:http';

/**
 * Server timeouts far below Node's defaults (a 300 s request timeout checked every 30 s): a client that stalls its
 * headers or body is cut off within seconds instead of pinning memory for minutes.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
} as const satisfies ServerOptions;
