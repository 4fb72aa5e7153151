import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { healthz, sayWs, startWs, waitForWs, waitUntil, type WsHealthz } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const repliesTo = (messageId: string) => h!.platform.sent.filter((m) => m.replyTo === messageId);

describe('long connection: losing it and getting it back', () => {
  it('holds events while the connection is down, goes unhealthy if it stays down, and delivers them once on reconnect', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    const chat = h.newChat();
    h.platform.ws.setDown(true);
    h.platform.ws.drop();
    await waitForWs(h, 'reconnecting');

    const first = h.event(zhang, chat, '/学习 1小时 个人自学 党章第一章');
    const second = h.event(zhang, chat, '/学习 2小时 集中学习 党章第二章');
    const acks = Promise.all([h.platform.ws.push(first.body), h.platform.ws.push(second.body)]);
    expect(h.platform.ws.waiting()).toBe(2);

    // Down past the bot's tolerance (1.5 s in tests, 3 minutes by default): /healthz answers 503.
    let sick: WsHealthz | undefined;
    await waitUntil('/healthz to answer 503', async () => (sick = await healthz(h!)).status === 503);
    expect(sick).toMatchObject({ ok: false, ws: { state: 'reconnecting', healthy: false, connects: 1 } });
    expect(Date.parse(sick!.ws.downSince!)).toBeLessThanOrEqual(Date.now());

    h.platform.ws.setDown(false);
    const [a, b] = await acks;
    expect([a.code, b.code]).toEqual([200, 200]);
    const back = await waitForWs(h, 'connected');
    expect(back).toMatchObject({ status: 200, ok: true, ws: { healthy: true, connects: 2 } });
    expect(back.ws.downSince).toBeUndefined();
    await h.platform.waitFor((m) => m.replyTo === second.messageId);
    await h.app.settle();
    expect(repliesTo(first.messageId)).toHaveLength(1);
    expect(repliesTo(second.messageId)).toHaveLength(1);
    expect(await h.app.store.read((tx) => tx.listStudyRecords())).toHaveLength(2);
  });

  it('processes once an event whose ACK was lost with the connection: the platform pushes it again after the reconnect', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    h.platform.ws.loseNextAck();
    const { ack, messageId, event } = await sayWs(h, zhang, h.newChat(), '/学习 1小时 个人自学 党章第三章');
    expect(ack.attempt).toBe(2);
    const eventId = (event as { header: { event_id: string } }).header.event_id;
    expect(h.platform.ws.deliveries.filter((d) => d.eventId === eventId).map((d) => [d.connection, d.outcome])).toEqual([
      [1, 'lost'],
      [2, 'acked'],
    ]);
    await h.app.settle();
    expect(repliesTo(messageId)).toHaveLength(1);
    expect(await h.app.store.read((tx) => tx.listStudyRecords())).toHaveLength(1);
  });

  it('notices a half-open socket by the ping timeout, reconnects, and gets the event that went into it', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    // The socket stays open but nothing passes either way; the platform does not close it.
    h.platform.ws.blackhole();
    const lostInTransit = h.event(zhang, h.newChat(), '/学习 1小时 个人自学 党章第四章');
    const acked = h.platform.ws.push(lostInTransit.body);
    await waitUntil('the client to open a second connection', () => h!.platform.ws.stats.connects === 2, 10_000);
    const ack = await acked;
    // Pushed into the dead socket until the client gave it up (the platform cannot tell), then to the new one.
    const pushes = h.platform.ws.deliveries;
    expect(pushes.at(-1)).toMatchObject({ connection: 2, outcome: 'acked', attempt: ack.attempt });
    expect(ack.attempt).toBeGreaterThan(1);
    expect(pushes.slice(0, -1).map((d) => [d.connection, d.outcome === 'acked'])).toEqual(pushes.slice(0, -1).map(() => [1, false]));
    await h.platform.waitFor((m) => m.replyTo === lostInTransit.messageId);
    await h.app.settle();
    expect(repliesTo(lostInTransit.messageId)).toHaveLength(1);
    expect((await waitForWs(h, 'connected')).ws.connects).toBe(2);
  });

  it('starts the client again after it gave up (retries exhausted), which the SDK alone never does', async () => {
    h = await startWs();
    const pings = h.platform.ws.stats.pings;
    h.platform.ws.setClientConfig({ ReconnectCount: 2 });
    // The client takes the new settings from the next pong.
    await waitUntil('a pong carrying ReconnectCount 2', () => h!.platform.ws.stats.pings > pings);
    h.platform.ws.setDown(true);
    h.platform.ws.drop();
    const failed = await waitForWs(h, 'failed');
    expect(failed.ws.downSince).toBeDefined();
    h.platform.ws.setDown(false);
    const back = await waitForWs(h, 'connected');
    expect(back).toMatchObject({ status: 200, ws: { healthy: true, connects: 2 } });
    const { ack } = await sayWs(h, h.person('张三'), h.newChat(), '/帮助');
    expect(ack.code).toBe(200);
  });
});
