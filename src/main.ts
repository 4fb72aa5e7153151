import { existsSync } from 'node:fs';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { ConfigError, readConfig, secretsOf, type Config } from './config.js';
import { createLogger } from './logger.js';

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
  // The data file loads while the rest of the program (the SDK is large) is still being imported.
  const [store, { startApp }] = await Promise.all([openLowdbStore(config.dataFile), import('./app.js')]);
  const app = await startApp({ config, logger, store });
  logger.info({ url: app.url, mode: app.mode, dataFile: config.dataFile }, 'duban started');
  if (app.mode === 'local') process.stdout.write(localBanner(app.port));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: intake stopped, finishing in-flight work');
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Duban failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
