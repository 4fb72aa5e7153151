import { pino, type Logger } from 'pino';

export type { Logger };

/** The process logger; JSON lines on stdout. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination as never);
}
