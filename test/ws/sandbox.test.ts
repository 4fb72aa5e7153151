import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../support/sandbox.js';
import { buttons } from '../support/card-buttons.js';
import { waitUntil } from './support.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('the sandbox in long-connection mode (DUBAN_SANDBOX_FEISHU_MODE=ws)', () => {
  it('connects the bot to its stand-in platform over a WebSocket on its own port and carries the page’s messages and presses over it', async () => {
    sb = await startSandbox({ env: { DUBAN_SANDBOX_FEISHU_MODE: 'ws' } });
    const health = async () => (await (await fetch(`${sb!.app.url}/healthz`)).json()) as { feishu: { mode: string; ws?: { state: string } } };
    await waitUntil('the sandbox bot to connect', async () => (await health()).feishu.ws?.state === 'connected');
    const ws = sb.app.platform!.ws;

    const sent = await sb.say('赵书记', '第一支部群', '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@李四');
    expect(sent.status).toBe(200);
    expect(ws.deliveries).toHaveLength(1);
    expect(ws.deliveries[0]).toMatchObject({ outcome: 'acked', code: 200 });
    const group = await sb.lines('第一支部群');
    expect(group[1]!.content.text).toContain('已登记问题 P1（第一支部）');

    await sb.say('赵书记', '第一支部群', '/措施 P1 建设数据共享交换平台 时限:12月27日 负责人:@李四');
    // The reminder job's card carries the buttons; a press on the page goes back to the bot as a card callback.
    expect((await sb.api('jobs/reminders/run', { at: '2026-12-24T09:00:00+08:00' })).status).toBe(200);
    await sb.app.settle();
    const withButtons = (await sb.lines('第一支部群')).find((l) => l.msgType === 'interactive' && buttons(l.content).length > 0);
    expect(withButtons, 'a card with buttons').toBeDefined();
    const s = await sb.state();
    const li = s.people.find((p) => p.name === '李四')!;
    const button = buttons(withButtons!.content)[0]!;
    const pressed = await sb.api('card', { personId: li.id, messageId: withButtons!.messageId, value: button.value });
    expect(pressed.status).toBe(200);
    // The first button opens its form as a card only the presser sees; the ACK's toast says so.
    expect(button.text).toBe('更新进展');
    expect(pressed.json).toEqual({ toast: { type: 'info', content: '表单已发送，仅你可见' } });
    expect(ws.deliveries.map((d) => d.outcome)).toEqual(['acked', 'acked', 'acked']);
  });
});
