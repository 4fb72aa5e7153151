import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { describeDatabase, openPostgresStore } from '../storage/postgres/open.js';
import type { RunningApp } from './app.js';
import { ConfigError, readConfig, secretsOf, type Config } from './config.js';
import { collectLoadGarbage } from './load-garbage.js';
import { createLogger } from './logger.js';

/** The most a SIGTERM or Ctrl+C may take, under the 10 s a supervisor allows before it kills. */
const STOP_DEADLINE_MS = 8000;

/** Explains local mode in plain words: how to try it, and how to connect a real Feishu app. */
function localBanner(port: number): string {
  return [
    '',
    `Duban sandbox: http://localhost:${port}/sandbox`,
    '  本地模式：未配置 FEISHU_APP_ID，机器人在本机运行，消息发往内置的模拟开放平台，数据存于本地文件。',
    '  No Feishu credentials: running in local mode with an in-process stand-in for the Open Platform.',
    '  To connect a real app: copy .env.example to .env, fill FEISHU_APP_ID, FEISHU_APP_SECRET,',
    '  FEISHU_VERIFICATION_TOKEN and FEISHU_ENCRYPT_KEY, set the event URL to https://<host>/webhook/event',
    '  (see README "Connect a Feishu app"), and restart.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Duban: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, secretsOf(config));
  let stopping = false;
  let running: Promise<RunningApp> | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now; every acknowledged event is in the write-ahead log');
      process.exit(128 + osConstants.signals[signal]);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: intake stopped, finishing in-flight work; unsent messages stay queued for the next start');
    // Supervisors (systemd, Docker) kill after about 10 s; leave on our own terms before that.
    setTimeout(() => {
      logger.error({ signal, afterMs: STOP_DEADLINE_MS }, 'shutdown took too long: exiting without the final snapshot; the write-ahead log has every acknowledged event');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    // A signal during start-up (recovery can take a while) waits for the start to finish, then closes cleanly.
    running!.then((app) => app.close()).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Installed before anything is opened: a signal that came before them would kill the process without a snapshot.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  running = (async () => {
    // The data file loads while the rest of the program (the SDK is large) is still being imported.
    const opening = config.databaseUrl ? openPostgresStore(config.databaseUrl, { mode: config.mode }) : openLowdbStore(config.dataFile, { mode: config.mode });
    const [store, { startApp }] = await Promise.all([opening, import('./app.js')]);
    collectLoadGarbage();
    return startApp({ config, logger, store });
  })();
  const app = await running;
  if (stopping) return;
  const data = config.databaseUrl ? { database: describeDatabase(config.databaseUrl) } : { dataFile: config.dataFile };
  logger.info({ url: app.url, mode: app.mode, ...data }, 'duban started');
  if (app.mode === 'local') process.stdout.write(localBanner(app.port));
}

main().catch((err) => {
  // A refusal about the data (damaged, in use, other mode) is the whole message: it names the file and the fix.
  const refusal = err instanceof Error && err.name === 'StoreOpenError';
  process.stderr.write(`Duban failed to start: ${refusal ? err.message : ((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
