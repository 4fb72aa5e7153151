import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import Router from '@koa/router';
import Koa from 'koa';
import { checkCommands, COMMANDS } from '../commands/index.js';
import type { Command } from '../commands/types.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import type { Store } from '../storage/store.js';
import { createAdminRoutes } from './admin.js';
import { SERVER_TIMEOUTS } from './server-timeouts.js';
import type { Config } from './config.js';
import { createClient } from './feishu/client.js';
import { createDirectory } from './feishu/directory.js';
import { createResources } from './feishu/resources.js';
import { createDispatcher } from './feishu/dispatcher.js';
import { createMessenger } from './feishu/messenger.js';
import { createWebhook } from './feishu/webhook.js';
import { startLongConnection, type LongConnection, type WsOptions } from './feishu/ws.js';
import { createIntake } from './intake.js';
import { announceHolidayGaps } from './jobs/holiday-notice.js';
import { JOBS } from './jobs/index.js';
import type { Job } from './jobs/types.js';
import type { Logger } from './logger.js';
import { createOutboxSender } from './outbox.js';
import { createRouter } from './router.js';
import { createScheduler } from './scheduler.js';
import { createLease } from './lease.js';
import type { Throttle } from './throttle.js';
import { createSandboxClock } from './sandbox/clock.js';
import { createOpenPlatform, type OpenPlatform } from './sandbox/open-platform.js';
import { SANDBOX_PEOPLE } from './sandbox/roster.js';
import { createSandboxRoutes } from './sandbox/routes.js';
import { seedSandbox } from './sandbox/seed.js';

/** Keys of the local (sandbox) mode: the bot talks to an in-process Open Platform on its own server. */
export const LOCAL_APP = {
  appId: 'cli_00000000000000d0',
  appSecret: 'local-sandbox-secret',
  encryptKey: 'local-sandbox-encrypt-key',
  verificationToken: 'local-sandbox-token',
  botOpenId: 'ou_duban_bot_local',
} as const;

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: () => Date;
  store?: Store;
  commands?: readonly Command[];
  jobs?: readonly Job[];
  /** The outbound rate limiter; the default keeps under Feishu's per-chat and per-app limits. */
  throttle?: Throttle;
  /** Long-connection timings (FEISHU_MODE=ws); tests shorten them. */
  ws?: WsOptions;
}

/** A running bot: the HTTP server, the store and the workers. */
export interface RunningApp {
  url: string;
  port: number;
  store: Store;
  /** Present in local mode only. */
  platform?: OpenPlatform;
  mode: 'feishu' | 'local';
  /** Waits until every accepted event is processed and every due message sent. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Composition root: builds every concrete part from config and starts serving. */
export async function startApp(opts: AppOptions): Promise<RunningApp> {
  const { config, logger } = opts;
  const local = !config.feishu;
  // In local mode the sandbox page may move the bot's clock, to run a job "as of" a moment and see what it sends.
  const sandboxClock = local ? createSandboxClock(opts.clock ?? (() => new Date())) : undefined;
  const clock = sandboxClock?.now ?? opts.clock ?? (() => new Date());
  const commands = opts.commands ?? COMMANDS;
  checkCommands(commands);
  const jobs = opts.jobs ?? JOBS;
  const store = opts.store ?? (await openLowdbStore(config.dataFile, { mode: local ? 'local' : 'feishu' }));
  const keys = config.feishu ?? { ...LOCAL_APP, domain: 'local', mode: config.sandboxFeishuMode };

  const app = new Koa();
  const routes = new Router();
  const platform = local
    ? createOpenPlatform({
        appId: LOCAL_APP.appId,
        appSecret: LOCAL_APP.appSecret,
        botOpenId: LOCAL_APP.botOpenId,
        users: Object.fromEntries(SANDBOX_PEOPLE.map((p) => [p.openId, { name: p.name }])),
      })
    : undefined;
  if (platform) {
    app.use(platform.middleware());
    await seedSandbox(store, clock());
  }
  const admins = local ? [...config.admins, ...SANDBOX_PEOPLE.filter((p) => p.role === 'admin').map((p) => p.openId)] : config.admins;

  // Koa composes its middleware when callback() is called, so the handler is taken once every route is mounted.
  let handler: ReturnType<Koa['callback']> = async (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server = createServer(SERVER_TIMEOUTS, (req, res) => handler(req, res));
  // The sandbox's stand-in platform takes the long connection's WebSocket on the bot's own port.
  if (platform) server.on('upgrade', platform.ws.upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  const client = createClient({ appId: keys.appId, appSecret: keys.appSecret, domain: local ? base : keys.domain, logger });
  const directory = createDirectory(client.sdk, logger);
  const messenger = createMessenger(client);
  // Replicas on one database (PostgreSQL) take turns through leases: one sends (so Feishu's app-wide limits hold) and
  // one runs the jobs; another takes over within a minute if it dies.
  const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const replicated = store.health().kind === 'postgres';
  const schedulerLease = replicated ? createLease({ name: 'scheduler', store, holder, clock, logger, onGained: () => scheduler.catchUp() }) : undefined;
  const senderLease = replicated ? createLease({ name: 'sender', store, holder, clock, logger, onGained: () => outbox.kick({ ask: true }) }) : undefined;
  const outbox = createOutboxSender({ store, messenger, clock, logger, throttle: opts.throttle, mayAdmit: () => senderLease?.held ?? true });
  const router = createRouter({ store, commands, admins, directory, logger, clock, resources: createResources(client.sdk, logger), onOutbox: () => outbox.kick() });
  const intake = createIntake({ store, handle: router.handle, clock, logger });

  const webhook = createWebhook({ encryptKey: keys.encryptKey, verificationToken: keys.verificationToken, accept: intake.accept, clock, logger });
  routes.post('/webhook/event', webhook);
  routes.post('/webhook/card', webhook);
  // Whether the last /healthz could read the store: a failure is logged when it begins and when it ends, not at every poll.
  let unreadable = false;
  routes.get('/healthz', async (ctx) => {
    // A load balancer polls this: a replica that cannot reach its database answers 503 (and names no host), not 500.
    const counts = await store
      .read(async (tx) => ({ inbox: await tx.countInbound(), pending: (await tx.listOutbound({ status: 'pending' })).length }))
      .then((c) => {
        if (unreadable) logger.info('/healthz: the store can be read again');
        unreadable = false;
        return c;
      })
      .catch((err: unknown) => {
        if (!unreadable) logger.error({ err }, '/healthz: the store cannot be read; answering 503');
        unreadable = true;
        return undefined;
      });
    const health = store.health();
    const wsHealth = ws?.health();
    const storeOk = health.ok && counts !== undefined;
    ctx.status = storeOk && intake.accepting && (wsHealth?.healthy ?? true) ? 200 : 503;
    // The store's detail names files; /healthz answers anyone, so it shows only the summary.
    const summary = { ok: storeOk, kind: health.kind, schemaVersion: health.schemaVersion, lastTx: health.lastTx, ...(counts ? {} : { error: 'unreadable' }) };
    const runsScheduler = config.scheduler && (schedulerLease?.held ?? true);
    ctx.body = {
      ok: ctx.status === 200,
      mode: local ? 'local' : 'feishu',
      store: summary,
      sender: senderLease?.held ?? true,
      scheduler: runsScheduler,
      inbox: counts?.inbox ?? null,
      outbox: { pending: counts?.pending ?? null },
      feishu: { mode: local ? 'sandbox' : keys.mode, ...(wsHealth ? { ws: wsHealth } : {}) },
    };
  });
  const admin = createAdminRoutes({ token: config.adminToken, jobs, jobDeps: { store, logger }, clock, onRan: () => outbox.kick() });
  app.use(routes.routes()).use(routes.allowedMethods());
  app.use(admin.routes()).use(admin.allowedMethods());
  if (platform) {
    const sandbox = createSandboxRoutes({
      platform,
      keys: LOCAL_APP,
      botOpenId: LOCAL_APP.botOpenId,
      webhookUrl: () => `${base}/webhook/event`,
      push: keys.mode === 'ws' ? platform.ws.push : undefined,
      store,
      clock: sandboxClock!,
      jobs,
      jobDeps: { store, logger },
      onJobRan: () => outbox.kick(),
      commands,
      dataFile: config.dataFile,
      times: config.schedule,
      origin: { port, allowRemote: config.sandboxAllowRemote },
    });
    app.use(sandbox.routes()).use(sandbox.allowedMethods());
  }
  handler = app.callback();

  let ws: LongConnection | undefined;
  if (keys.mode === 'ws') {
    const dispatcher = createDispatcher({ accept: intake.accept, clock, logger });
    ws = await startLongConnection({ appId: keys.appId, appSecret: keys.appSecret, domain: client.sdk.domain, dispatcher, logger, options: opts.ws });
  }

  // Running in a year without a holiday schedule is the office's to fix: admins hear it privately, once, in Chinese.
  const gaps = await announceHolidayGaps(clock(), store, admins, true);
  if (gaps.sent.length > 0) logger.info({ sent: gaps.sent.length }, '节假日安排待录入，已私信管理员');
  await directory.loadBotInfo();
  await intake.resume();
  // The sender also processes events a replica journalled, acknowledged and died before finishing (after a minute).
  let adopting: NodeJS.Timeout | undefined;
  if (senderLease) {
    senderLease.start();
    await senderLease.renew();
    adopting = setInterval(() => void (senderLease.held ? intake.adopt(60_000).catch((err) => logger.error({ err }, 'adopting events failed')) : undefined), 30_000);
    adopting.unref();
  }
  outbox.start();
  // What another replica queued is sent as soon as it commits, not at the sender's next poll of the outbox.
  const unwatch = replicated ? store.watch?.(() => outbox.kick()) : undefined;
  const scheduler = createScheduler({ jobs, jobDeps: { store, logger }, clock, logger, times: config.schedule, onRan: () => outbox.kick(), lease: schedulerLease });
  if (config.scheduler) {
    scheduler.start();
    if (schedulerLease) {
      schedulerLease.start();
      await schedulerLease.renew();
      await schedulerLease.caughtUp();
    } else await scheduler.catchUp();
  }

  let closed = false;
  return {
    url: base,
    port,
    store,
    platform,
    mode: local ? 'local' : 'feishu',
    async settle() {
      for (let i = 0; i < 50; i++) {
        await intake.idle();
        await outbox.idle();
        const due = await store.read((tx) => tx.dueOutbound(clock().toISOString(), 1));
        if (due.length === 0 && (await store.read((tx) => tx.countInbound())).pending === 0) return;
        outbox.kick();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // Refuse new events first (503: Feishu pushes them again), then let running commands and jobs finish. Unsent
      // messages and journalled events not yet processed stay in the store for the next start.
      intake.pause();
      ws?.close();
      platform?.ws.close();
      const serverClosed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      clearInterval(adopting);
      await Promise.all([intake.stop(), scheduler.stop()]);
      await schedulerLease?.stop();
      server.closeAllConnections();
      await serverClosed;
      unwatch?.();
      await Promise.all([router.stop(), outbox.stop()]);
      await senderLease?.stop();
      await store.close();
    },
  };
}
