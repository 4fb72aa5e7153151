import type { Logger } from '../logger.js';

/** Routes the SDK's own logging into ours (the SDK ignores LoggerLevel.fatal, so silence needs a logger). */
export function sdkLogger(log: Logger) {
  const child = log.child({ component: 'lark-sdk' });
  const fmt = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    error: (...a: unknown[]) => child.error(fmt(a)),
    warn: (...a: unknown[]) => child.warn(fmt(a)),
    info: (...a: unknown[]) => child.debug(fmt(a)),
    debug: (...a: unknown[]) => child.trace(fmt(a)),
    trace: (...a: unknown[]) => child.trace(fmt(a)),
  };
}
