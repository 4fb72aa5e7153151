// The bot as `npm start` runs it, plus one bench knob: BENCH_APP_RATE raises the app-wide send budget (per second
// and per minute) for a run that measures our own pipeline above Feishu's 50 messages/s. Per-chat limits stay.
import { startApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { Throttle } from '../src/throttle.js';

const config = readConfig(process.env);
const rate = Number(process.env.BENCH_APP_RATE ?? 0);
const throttle = rate > 0 ? new Throttle({ perKey: { max: 4, windowMs: 1000 }, global: [{ max: rate, windowMs: 1000 }, { max: rate * 60, windowMs: 60_000 }] }) : undefined;
const app = await startApp({ config, logger: createLogger(config.logLevel), throttle });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
