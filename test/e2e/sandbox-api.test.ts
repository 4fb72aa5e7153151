import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { p2pChatOf } from '../../src/sandbox/open-platform.js';
import { Harness } from '../support/harness.js';
import { startSandbox, tickingFrom } from '../support/sandbox.js';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await sb?.close();
  await h?.close();
  sb = h = undefined;
});

describe('the sandbox exists only in local mode', () => {
  it('answers 404 for every sandbox path on a server with Feishu credentials', async () => {
    h = await Harness.start();
    for (const path of ['/sandbox', '/sandbox/index.html', '/sandbox/vchart.js', '/sandbox/api/state', '/sandbox/api/messages']) {
      expect((await fetch(h.app.url + path, { redirect: 'manual' })).status, path).toBe(404);
    }
    const send = await fetch(`${h.app.url}/sandbox/api/send`, { method: 'POST', body: '{}' });
    expect(send.status).toBe(404);
  });

  it('serves the page, its scripts and VChart in local mode, bound to 127.0.0.1 unless HOST says otherwise', async () => {
    expect(readConfig({}).host).toBe('127.0.0.1');
    sb = await startSandbox();
    const root = await fetch(`${sb.app.url}/sandbox`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/sandbox/index.html');
    const html = await (await fetch(`${sb.app.url}/sandbox/index.html`)).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('/sandbox/vchart.js');
    const vchart = await fetch(`${sb.app.url}/sandbox/vchart.js`);
    expect(vchart.headers.get('content-type')).toMatch(/javascript/);
    expect(await vchart.text()).toContain('VChart');
    expect((await fetch(`${sb.app.url}/sandbox/secrets.json`)).status).toBe(404);
  });
});

describe('the sandbox page API', () => {
  it('lists the people, roles, branches and chats the store holds, so a new role shows at once', async () => {
    sb = await startSandbox({ clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    const s = await sb.state();
    expect(s.demo).toBe(false);
    expect(s.people.map((p) => `${p.name}:${p.role}:${p.branch}`)).toEqual([
      '王主任:admin:',
      '李局长:leader:',
      '赵书记:secretary:第一支部',
      '张三:member:第一支部',
      '李四:member:第一支部',
      '王五:member:第一支部',
      '钱书记:secretary:第二支部',
      '孙六:member:第二支部',
      '周七:member:第二支部',
    ]);
    const groups = s.chats.filter((c) => c.kind !== 'p2p');
    expect(groups.map((c) => c.name)).toEqual(['第一支部群', '第二支部群', '领导班子群']);
    const names = (ids: string[]) => ids.map((id) => s.people.find((p) => p.id === id)!.name);
    expect(names(groups[2]!.members)).toEqual(['王主任', '李局长']);
    expect(names(groups[1]!.members)).toEqual(['王主任', '李局长', '钱书记', '孙六', '周七']);
    expect(s.chats.filter((c) => c.kind === 'p2p')).toHaveLength(9);

    await sb.say('王主任', '第一支部群', '/任命 @张三 书记');
    expect((await sb.state()).people.find((p) => p.name === '张三')!.role).toBe('secretary');
  });

  it('shows the demo bureau from its own data file, and says it is the demo', async () => {
    sb = await startSandbox({ demo: true, clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    const s = await sb.state();
    expect(s.demo).toBe(true);
    expect(s.people).toHaveLength(40);
    expect(s.people.slice(0, 6).map((p) => `${p.name}:${p.role}:${p.branch}`)).toEqual([
      '刘建华:admin:',
      // Issue 14: each bureau leader has a home branch (双重组织生活).
      '陈志远:leader:办公室党支部',
      '王立新:leader:政务服务科党支部',
      '赵敏:leader:数据资源科党支部',
      '孙国栋:leader:行政审批科党支部',
      '周文静:secretary:办公室党支部',
    ]);
    expect(s.chats.filter((c) => c.kind !== 'p2p').map((c) => c.name)).toEqual(['办公室党支部群', '政务服务科党支部群', '数据资源科党支部群', '行政审批科党支部群', '信息中心党支部群', '领导班子群']);
    await sb.say('陈志远', '领导班子群', '/进度');
    const card = (await sb.lines('领导班子群')).find((l) => l.msgType === 'interactive')!.content;
    expect(JSON.stringify(card.body.elements)).toContain('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个');
    expect(card.body.elements.some((e: { tag: string }) => e.tag === 'chart')).toBe(true);
  });

  it('refuses a message into a chat the person is not in, and puts private notices in the private chat', async () => {
    sb = await startSandbox({ clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    const refused = await sb.say('张三', '第二支部群', '/帮助');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('张三 不在「第二支部群」里，请换一个人或会话');

    await sb.say('赵书记', '第一支部群', '/问题 数据共享不直接 责任单位:数据资源科 时限:12月31日 负责人:@李四');
    const group = await sb.lines('第一支部群');
    expect(group.map((l) => l.from)).toEqual(['user', 'bot']);
    expect(group[1]!.content.text).toContain('已登记问题 P1（第一支部）');
    const s = await sb.state();
    const li = s.people.find((p) => p.name === '李四')!;
    const mine = await sb.lines(`与督办私聊（李四）`);
    expect(mine[0]!.chatId).toBe(p2pChatOf(li.id));
    expect(mine[0]!.content.text).toContain('由你牵头整改');
  });

  it('runs a job as of a chosen time by moving the bot clock there, and says why a job sent nothing', async () => {
    // Sunday 22 November 2026, 10:00: a day off.
    sb = await startSandbox({ clock: tickingFrom('2026-11-22T10:00:00+08:00') });
    const s = await sb.state();
    expect(s.defaultAt).toBe('2026-11-23T01:30:00.000Z'); // Monday 09:30 China time
    expect(s.jobs.find((j) => j.name === 'weekly-digest')!.next).toBe('2026-11-23T01:00:00.000Z');

    const holiday = await sb.api('jobs/reminders/run', { at: '2026-10-01T10:00:00+08:00' });
    expect(holiday.json.skipped.map((x: { reason: string }) => x.reason)).toEqual(['2026-10-01 不是工作日（国庆节）']);
    const night = await sb.api('jobs/weekly-digest/run', { at: '2026-11-23T21:00:00+08:00' });
    expect(night.json.skipped[0].reason).toBe('静默时段（20:00—次日08:30）不发送');
    expect(Date.parse((await sb.state()).now)).toBeGreaterThanOrEqual(Date.parse('2026-11-23T21:00:00+08:00'));

    const monday = await sb.api('jobs/weekly-digest/run', { at: s.defaultAt });
    expect(monday.json.sent.map((x: { where: string }) => x.where)).toEqual(['第一支部群', '第二支部群']);
    await sb.app.settle();
    const digest = (await sb.lines('第一支部群')).find((l) => l.msgType === 'interactive')!;
    expect(digest.content.header.title.content).toBe('第一支部 周报');

    const reset = await sb.api('clock', { reset: true });
    expect(reset.json.offsetMs).toBe(0);
    expect(Math.abs(Date.parse(reset.json.now) - Date.parse('2026-11-22T10:00:00+08:00'))).toBeLessThan(60_000);
  });
});
