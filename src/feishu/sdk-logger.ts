import { describeError, type Logger } from '../logger.js';

// Request configs, headers and bodies carry the app secret and the tenant token; they are never written out.
const DROPPED_KEYS = new Set(['config', 'request', 'headers', 'data', 'params', 'app_secret', 'AppSecret', 'tenant_access_token', 'app_access_token', 'Authorization', 'authorization']);
const MAX_CHARS = 2000;

/** One SDK log argument as text: strings as they are, errors described, objects without request details and cut short. */
export function formatSdkArgument(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return JSON.stringify(withoutStack(describeError(arg)));
  let text: string;
  try {
    text = JSON.stringify(arg, (key, value: unknown) => {
      if (DROPPED_KEYS.has(key)) return '[omitted]';
      return value instanceof Error ? withoutStack(describeError(value)) : value;
    });
  } catch {
    text = Object.prototype.toString.call(arg);
  }
  text ??= String(arg);
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}

function withoutStack(d: Record<string, unknown>): Record<string, unknown> {
  const { stack: _stack, ...rest } = d;
  return rest;
}

// The long connection's URL carries a one-time ticket and an access key, and the WSClient logs it.
const URL_SECRETS = /\b(ticket|access_key)=[^&\s"']+/g;

// The SDK's LoggerProxy hands each call's arguments over as one array.
const format = (args: unknown[]) => args.flat().map(formatSdkArgument).join(' ').replace(URL_SECRETS, '$1=[omitted]');

/** Routes the SDK's own logging into ours (the SDK ignores LoggerLevel.fatal, so silence needs a logger). */
export function sdkLogger(log: Logger) {
  const child = log.child({ component: 'lark-sdk' });
  return {
    error: (...a: unknown[]) => child.error(format(a)),
    warn: (...a: unknown[]) => child.warn(format(a)),
    info: (...a: unknown[]) => child.debug(format(a)),
    debug: (...a: unknown[]) => child.trace(format(a)),
    trace: (...a: unknown[]) => child.trace(format(a)),
  };
}
