import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { Harness } from '../support/harness.js';
import { ATTACKS, unsafeInCard, unsafeInText } from './escaping-attacks.js';

let h: Harness;
let now = new Date('2026-11-23T10:00:00+08:00');
const clock = () => now;
afterEach(async () => {
  await h?.close();
});

const ATTACK = ATTACKS.join(' ');

async function runJob(job: string): Promise<void> {
  const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ at: now.toISOString() }),
  });
  expect(res.status).toBe(200);
  await h.app.settle();
}

/** Every message the fake Feishu received, with what in it Feishu would read as markup it should not. */
function findings(allowedMentions: ReadonlySet<string>): { seq: number; msgType: string; bad: string[] }[] {
  return h.platform.sent.map((m: SentMessage) => {
    const c = m.content as { text?: string };
    const bad = m.msgType === 'text' ? unsafeInText(c.text ?? '') : m.msgType === 'interactive' ? unsafeInCard(c, allowedMentions) : [];
    return { seq: m.seq, msgType: m.msgType, bad };
  });
}

describe('user text reaches Feishu escaped for where it lands, end to end', () => {
  it('text replies, DMs, review cards, reminders, digest and bulletin carry the attacks as text; only owners are @-mentioned', async () => {
    h = await Harness.start({ clock, adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    const leaders = h.newChat();
    const sec = h.person('王书记');
    const zhang = h.person('张三');
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @王书记 书记');
    await h.say(admin, chat, '/任命 @张三 党员');
    await h.say(admin, leaders, '/绑定 领导班子');

    // Every free-text field carries the attacks; the branch name carries the ones without spaces.
    expect(await h.say(admin, h.newChat(), '/绑定 [点此](https://e.cn)<font>')).toContain('已将本群绑定为「[点此］(https://e.cn)＜font>」');
    const opened = await h.say(zhang, chat, `/问题 ${ATTACK} 责任单位:<at id=all></at> 时限:2026-11-27 负责人:@张三 目标:[点此](https://evil.example)`);
    expect(opened).toContain('已登记问题 P1');
    expect(opened).toContain('＜at user_id="all">＜/at>');
    await h.say(sec, chat, `/措施 P1 ${ATTACK} 时限:2026-11-26 负责人:@张三`);
    await h.say(zhang, chat, `/整改 P1-1 ${ATTACK}`);
    await h.say(sec, chat, `/任务 ${ATTACK} 时限:2026-11-27 负责人:@张三`);
    expect(await h.say(zhang, chat, `/学习 1小时 自学 <at id=all></at>[点此](https://evil.example) 心得:${ATTACK}`)).toContain('已记录 S1');
    await h.say(zhang, chat, `/<at user_id="all"></at>`);
    await h.say(zhang, chat, `/问题 P1`);
    await h.say(zhang, chat, `/截止`);
    await h.say(zhang, chat, `/延期 P1 2026-12-31 ${ATTACK}`);
    await h.say(sec, chat, `/审核 P1 驳回 ${ATTACK}`);
    await h.say(zhang, chat, `/销号 P1 ${ATTACK} 强制`);
    const cards = h.platform.sent.filter((m) => m.msgType === 'interactive');
    expect(cards.length).toBeGreaterThan(0);

    now = new Date('2026-11-30T09:00:00+08:00');
    await runJob('reminders');
    await runJob('weekly-digest');
    now = new Date('2026-12-01T09:30:00+08:00');
    await runJob('monthly-bulletin');
    await h.say(admin, leaders, '/进度');

    const kinds = new Set(h.platform.sent.filter((m) => m.msgType === 'interactive').map((m) => (m.content as { header: { title: { content: string } } }).header.title.content.split(/[ ·]/)[0]));
    expect([...kinds]).toEqual(expect.arrayContaining(['待审核', '督办提醒', '第一支部', '2026年11月党建督办通报', '督办进度']));
    const reminder = h.platform.sent.find((m) => JSON.stringify(m.content).includes('督办提醒'))!;
    expect(JSON.stringify(reminder.content)).toContain(`<at id=${zhang.openId}></at>`);

    // The only @-mention anywhere is the owner, put there by the reminder job.
    expect(findings(new Set([zhang.openId])).filter((f) => f.bad.length > 0)).toEqual([]);
    // And the attacks are still there to read, as text.
    const all = JSON.stringify(h.platform.sent.map((m) => m.content));
    expect(all).toContain('&#60;at user&#95;id=\\"all\\"&#62;');
    expect(all).toContain('&#91;点此领取&#93;(https://evil.example/phish)');
  });

  it('exports never turn a typed =, +, - or @ into a formula', async () => {
    h = await Harness.start({ clock, adminToken: 'tok' });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    h.person('张三');
    await h.say(admin, chat, '/绑定 第一支部');
    await h.say(admin, chat, '/任命 @张三 党员');
    await h.say(admin, chat, '/问题 =HYPERLINK("https://evil.example","点此") 责任单位:@SUM(1) 时限:12月31日 负责人:@张三 目标:=1+2');
    await h.say(admin, chat, '/导出 问题台账 全部');
    const file = h.platform.sent.find((m) => m.msgType === 'file')!;
    const bytes = h.platform.files.find((f) => f.fileKey === (file.content as { file_key: string }).file_key)!.bytes;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    // Wherever the layout puts them, every cell holding the typed text holds it as text, never as a formula.
    const cells: unknown[] = [];
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    expect(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    const typed = cells.filter((v): v is string => typeof v === 'string' && /=1\+2|@SUM\(1\)|=HYPERLINK/.test(v));
    expect(typed.length).toBeGreaterThanOrEqual(3);
    // Excel reads a formula only from a cell that starts with = + - or @; such a start is always escaped with '.
    for (const v of typed) expect(v, v).not.toMatch(/^[=+\-@\t\r]/);
    expect(typed).toContain("'=1+2");
    expect(typed).toContain("'@SUM(1)");
  });
});
