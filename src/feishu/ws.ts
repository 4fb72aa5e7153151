import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.js';
import { sdkLogger } from './sdk-logger.js';

/** Long-connection timings; the defaults suit production, tests shorten them. */
export interface WsOptions {
  /**
   * Seconds without any frame after a ping before the socket is presumed dead (the SDK's default, 0, never notices a
   * half-open socket). Must be shorter than the ping interval Feishu sets (120 s): the SDK re-arms it on every ping.
   */
  pingTimeoutSec?: number;
  /** How long the connection may stay down before /healthz answers 503: longer than one of Feishu's reconnect rounds (120 s plus up to 30 s). */
  unhealthyAfterMs?: number;
  /** Wait before a client that gave up (refused, or out of retries) is started again: the SDK itself never does. */
  restartMs?: number;
}

/** The connection as /healthz shows it: the SDK's state, since when it has been down, and whether that is still tolerable. */
export interface WsHealth {
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
  healthy: boolean;
  downSince?: string;
  connects: number;
}

/** A supervised WSClient; its times are real time, never the sandbox's movable clock. */
export interface LongConnection {
  health(): WsHealth;
  close(): void;
}

/**
 * Starts the SDK's WSClient with our logger (which drops secrets and the connect URL's ticket), a ping timeout, and a
 * supervisor that starts it again after it gives up; returns before the socket is open, as the SDK does.
 */
export async function startLongConnection(opts: {
  appId: string;
  appSecret: string;
  domain: string | lark.Domain;
  dispatcher: lark.EventDispatcher;
  logger: Logger;
  options?: WsOptions;
}): Promise<LongConnection> {
  const { logger } = opts;
  const log = logger.child({ component: 'feishu-ws' });
  const unhealthyAfterMs = opts.options?.unhealthyAfterMs ?? 180_000;
  const restartMs = opts.options?.restartMs ?? 60_000;
  let downSince: number | undefined = Date.now();
  let connects = 0;
  let restart: NodeJS.Timeout | undefined;
  let closed = false;

  const up = () => {
    connects++;
    if (downSince !== undefined) log.info({ downMs: Date.now() - downSince }, 'long connection up');
    downSince = undefined;
  };
  const down = () => {
    downSince ??= Date.now();
  };
  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.domain,
    logger: sdkLogger(logger),
    // Everything reaches our logger, whose LOG_LEVEL decides (the SDK's own filter would hide the reconnect story).
    loggerLevel: lark.LoggerLevel.trace,
    wsConfig: { pingTimeout: opts.options?.pingTimeoutSec ?? 30 },
    onReady: up,
    onReconnected: up,
    onReconnecting: () => {
      log.warn('long connection lost, reconnecting');
      down();
    },
    onError: (err) => {
      down();
      if (closed) return;
      log.error({ err, retryInMs: restartMs }, 'long connection gave up; starting it again later');
      clearTimeout(restart);
      restart = setTimeout(() => void client.start({ eventDispatcher: opts.dispatcher }), restartMs);
      restart.unref();
    },
  });
  await client.start({ eventDispatcher: opts.dispatcher });

  return {
    health() {
      const state = client.getConnectionStatus().state;
      // A socket the SDK still calls open counts as up; the ping timeout is what unmasks a half-open one.
      if (state === 'connected') downSince = undefined;
      else down();
      const healthy = downSince === undefined || Date.now() - downSince < unhealthyAfterMs;
      return { state, healthy, connects, ...(downSince === undefined ? {} : { downSince: new Date(downSince).toISOString() }) };
    },
    close() {
      closed = true;
      clearTimeout(restart);
      client.close({ force: true });
    },
  };
}
