import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';
import { textOf } from '../support/harness.js';
import { buttons } from '../support/card-buttons.js';
import { healthz, pressWs, sayWs, startWs, waitForWs, waitUntil } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('long connection (FEISHU_MODE=ws): messages and card callbacks', () => {
  it('connects through /callback/ws/endpoint, answers a message pushed over the socket, and ACKs it with code 200', async () => {
    h = await startWs();
    const health = await healthz(h);
    expect(health).toMatchObject({ status: 200, ok: true, ws: { state: 'connected', healthy: true, connects: 1 } });
    const zhang = h.person('张三');
    const { ack, reply } = await sayWs(h, zhang, h.newChat(), '/帮助');
    expect(ack).toMatchObject({ code: 200, attempt: 1 });
    expect(ack.ms).toBeLessThan(3000);
    expect(reply).toContain('/学习');
    // The client pings (at once, then as often as the fake's ClientConfig tells it) and the same connection stays up.
    await waitUntil('a ping from the client', () => h!.platform.ws.stats.pings > 0);
    expect(h.platform.ws.stats.connects).toBe(1);
  });

  it('reassembles an event the platform split into fragments, Chinese characters cut across frames included', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    const topic = '学习贯彻党的二十届四中全会精神'.repeat(12);
    await sayWs(h, zhang, h.newChat(), `/学习 2小时 集中学习 ${topic}`);
    expect(h.platform.ws.deliveries.at(-1)!.frames).toBeGreaterThan(2);
    const [record] = await h.app.store.read((tx) => tx.listStudyRecords());
    expect(JSON.stringify(record)).toContain(topic);
  });

  it('processes an event delivered twice only once, and ACKs both pushes', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    const chat = h.newChat();
    const { event, messageId } = await sayWs(h, zhang, chat, '/学习 2小时 集中学习 党章第一章');
    const again = await h.platform.ws.push(event);
    expect(again.code).toBe(200);
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === messageId)).toHaveLength(1);
    const records = await h.app.store.read((tx) => tx.listStudyRecords());
    expect(records).toHaveLength(1);
  });

  it('processes once a message Feishu delivers again under a new event id (same message_id)', async () => {
    h = await startWs();
    const zhang = h.person('张三');
    const chat = h.newChat();
    const { messageId } = await sayWs(h, zhang, chat, '/学习 2小时 集中学习 党章第二章');
    const again = h.event(zhang, chat, '/学习 2小时 集中学习 党章第二章', { messageId });
    expect((await h.platform.ws.push(again.body)).code).toBe(200);
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === messageId)).toHaveLength(1);
    expect(await h.app.store.read((tx) => tx.listStudyRecords())).toHaveLength(1);
  });

  it('answers a button press in the ACK frame within 3 s: the toast, and the updated card', async () => {
    h = await startWs({ adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    await waitForWs(h, 'connected');
    const chat = h.newChat();
    const sec = h.person('王书记');
    const zhang = h.person('张三');
    const li = h.person('李四');
    for (const line of ['/绑定 第一支部', '/任命 @王书记 书记', '/任命 @张三 党员', '/任命 @李四 党员']) await sayWs(h, admin, chat, line);
    await sayWs(h, zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
    await sayWs(h, zhang, chat, '/措施 P1 建设数据共享交换平台 时限:2026-11-27 负责人:@李四');
    await sayWs(h, li, chat, '/整改 P1-1 完成 平台已上线');
    await sayWs(h, zhang, chat, '/销号 P1 已上线运行，附验收报告');
    await h.app.settle();
    const review = h.platform.sent.filter((m) => m.chatId === chat && m.msgType === 'interactive' && textOf(m).includes('待审核')).at(-1)!;
    const [approve] = buttons(review.content);

    const own = await pressWs(h, zhang, review, approve!.value);
    expect(own.code).toBe(200);
    expect(own.answer).toMatchObject({ toast: { type: 'error' } });

    const ok = await pressWs(h, sec, review, approve!.value);
    expect(ok.ms).toBeLessThan(3000);
    const answer = ok.answer as { toast: { type: string; content: string }; card?: { type: string; data: unknown } };
    expect(answer.toast.type).toBe('success');
    expect(answer.card?.type).toBe('raw');
    expect(JSON.stringify(answer.card?.data)).toContain('已整改销号');
    expect(buttons(answer.card?.data).map((b) => b.text)).not.toContain('通过');
    expect(await h.app.store.read((tx) => tx.getProblem('P1'))).toMatchObject({ status: '已整改销号', closed: { by: sec.openId } });
  });
});
