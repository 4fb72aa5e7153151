import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems } from '../../commands/shared/card.js';
import { PROBLEM_COLUMNS, PROBLEM_SHEETS, STUDY_SHEETS, studyColumns } from '../../commands/reports/export-ledgers.js';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-23T10:00:00+08:00');
afterEach(async () => {
  await h?.close();
});

async function bureau() {
  now = new Date('2026-11-23T10:00:00+08:00');
  h = await Harness.start({ clock: () => now, adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const [sec, zhang, li, leader] = ['王书记', '张三', '李四', '赵局长'].map((n) => h.person(n)) as [Person, Person, Person, Person];
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三 来源:调查研究 目标:供需精准对接');
  await h.say(zhang, chat, '/措施 P1 建设数据共享交换平台 时限:2026-12-20 负责人:@李四');
  await h.say(li, chat, '/问题 窗口排队时间长 责任单位:政务服务科 时限:2026-11-24 负责人:@李四 来源:群众反映');
  await h.say(sec, chat, '/学习 2小时 集中研讨 《习近平著作选读》第一卷 参加:@张三 @李四');
  // Two working days later the second problem is overdue.
  now = new Date('2026-11-26T10:00:00+08:00');
  return { admin, chat, sec, zhang, li, leader };
}

async function workbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('Excel ledgers and the /进度 card', () => {
  it('exports the problem ledger in the official layout, privately, matching the store row for row', async () => {
    const { chat, leader } = await bureau();
    const reply = await h.say(leader, chat, '/导出 问题台账 全部');
    expect(reply).toMatch(/^已生成《问题台账-全部-2026-11-26\.xlsx》（2 条记录），已私信发送给你。$/);
    await h.app.settle();
    const sent = h.platform.sent.find((m) => m.msgType === 'file' && m.receiveId === leader.openId);
    expect(sent).toBeDefined();
    const file = h.platform.files.at(-1)!;
    const wb = await workbook(file.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual([PROBLEM_SHEETS.ledger, PROBLEM_SHEETS.summary]);
    const ws = wb.getWorksheet(PROBLEM_SHEETS.ledger)!;
    expect(ws.getCell('A1').value).toBe('全局主题教育检视问题整改台账');
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(PROBLEM_COLUMNS.map((c) => c.header));
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    const p1 = (await h.app.store.read((tx) => tx.getProblem('P1')))!;
    const row = ws.getRow(4);
    expect(row.getCell(1).value).toBe(1);
    expect(row.getCell(2).value).toBe('调查研究发现');
    expect(row.getCell(3).value).toBe(`P1 ${p1.description}`);
    expect(row.getCell(4).value).toBe('1. 建设数据共享交换平台（李四，2026-12-20前）');
    expect(row.getCell(5).value).toBe('供需精准对接');
    expect(row.getCell(6).value).toEqual(new Date('2026-12-31T00:00:00Z'));
    expect(row.getCell(7).value).toBe('张三');
    expect(row.getCell(8).value).toBe('数据资源科');
    expect(ws.getRow(5).getCell(2).value).toBe('群众反映强烈');
    expect(ws.getRow(5).getCell(9).value).toBe('整改中（逾期）');
    expect(ws.getRow(5).getCell(10).value).toBe('否（逾期）');
    const summary = wb.getWorksheet(PROBLEM_SHEETS.summary)!;
    const total = summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).value === '合计')!;
    expect((total.values as unknown[]).slice(1, 8)).toEqual(['合计', 2, 0, 2, 1, 1, 0]);
    // The bytes never entered the data log (the message names a stored file) and were dropped once sent.
    const out = await h.app.store.read((tx) => tx.listOutbound({ status: 'sent' }));
    const files = out.flatMap((o) => (o.content.type === 'file' ? [o.content] : []));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f.base64).toBeUndefined();
      expect(f.fileKey).toMatch(/^[0-9a-f]{32}$/);
      expect(await h.app.store.files.read(f.fileKey!)).toBeUndefined();
    }
  });

  it('exports the study ledger and refuses members; secretaries get their branch', async () => {
    const { chat, sec, zhang } = await bureau();
    expect(await h.say(zhang, chat, '/导出 问题台账')).toContain('/导出 只有管理员、书记、领导可以使用');
    expect(await h.say(sec, chat, '/导出 学习台账 本月')).toContain('学习台账-第一支部-2026年11月.xlsx');
    await h.app.settle();
    const wb = await workbook(h.platform.files.at(-1)!.bytes);
    const ws = wb.getWorksheet(STUDY_SHEETS.study)!;
    expect(ws.getCell('A1').value).toBe('第一支部学习台账（2026年11月）');
    expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual(studyColumns(false).map((c) => c.header));
    expect((ws.getRow(4).values as unknown[]).slice(1)).toEqual([1, new Date('2026-11-23T00:00:00Z'), '理论学习中心组集中研讨', '《习近平著作选读》第一卷', '王书记', undefined, '王书记、张三、李四', 3, 2]);
    expect(ws.rowCount).toBe(4);
    expect(wb.getWorksheet(STUDY_SHEETS.volunteer)!.rowCount).toBe(3);
  });

  it('serves the same files on the admin API and from the CLI', async () => {
    await bureau();
    const denied = await fetch(`${h.app.url}/admin/export/problems.xlsx`);
    expect(denied.status).toBe(401);
    const res = await fetch(`${h.app.url}/admin/export/problems.xlsx?branch=${encodeURIComponent('第一支部')}`, { headers: { authorization: 'Bearer tok' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const fromApi = await workbook(Buffer.from(await res.arrayBuffer()));
    expect(fromApi.getWorksheet(PROBLEM_SHEETS.summary)).toBeDefined();

    const out = join(mkdtempSync(join(tmpdir(), 'duban-cli-')), 'p.xlsx');
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/export.ts', 'problems', '--out', out, '--data', h.opts.dataFile], { cwd: process.cwd() });
    expect(stdout).toContain('2 rows');
    const fromCli = await workbook(readFileSync(out));
    expect(fromCli.worksheets.map((w) => w.name)).toEqual(fromApi.worksheets.map((w) => w.name));
  });

  it('answers /进度 with a valid card: bureau-wide for a leader, own items for a member', async () => {
    const { chat, leader, li } = await bureau();
    const ev = h.event(leader, chat, '/进度');
    await h.deliver(ev.body);
    const card = await h.platform.waitFor((m) => m.replyTo === ev.messageId);
    expect(card.msgType).toBe('interactive');
    expect(cardProblems(card.content)).toEqual([]);
    const text = textOf(card);
    expect(text).toContain('督办进度 · 全局');
    expect(text).toContain('检视问题 2 个，已整改销号 0 个（0.0%），制定整改措施 1 项，逾期问题 1 个');
    expect(text).toContain('学习活动次数 1 次，学时 2 小时，参与人次 3 人次，参与率 3/5 人（60.0%）');
    const mine = h.event(li, chat, '/进度');
    await h.deliver(mine.body);
    const own = textOf(await h.platform.waitFor((m) => m.replyTo === mine.messageId));
    expect(own).toContain('督办进度 · 李四 本人');
    // Her own figures: the problem she leads and the measure she owns on 张三's problem.
    expect(own).toContain('检视问题 1 个，已整改销号 0 个（0.0%），制定整改措施 1 项');
  });
});
