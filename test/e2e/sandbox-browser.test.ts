import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, tickingFrom } from '../support/sandbox.js';
import { PROBLEM_SHEETS } from '../../commands/reports/problem-ledger.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[sandbox-browser] skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox;
let browser: Browser;

async function open(as: string, chat: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await page.goto(`${sb.app.url}/sandbox`);
  await page.waitForSelector('body[data-ready=true]');
  await switchTo(page, as, chat);
  return page;
}

async function switchTo(page: Page, as: string, chat: string): Promise<void> {
  const s = await sb.state();
  const person = s.people.find((p) => p.name === as)!;
  await page.selectOption('#person', person.id);
  const target = chat === '私聊' ? s.chats.find((c) => c.personId === person.id)! : s.chats.find((c) => c.name === chat)!;
  await page.click(`#chats li[data-chat="${target.id}"]`);
  await eventually(() => page.textContent('#chat-title')).toContain(chat === '私聊' ? '与督办私聊' : chat);
}

/** Types a message (or sends what is in the box) and returns the text of the bot's reply to it. */
async function send(page: Page, text?: string): Promise<string> {
  const before = await page.locator('[data-testid=user-message]').count();
  if (text !== undefined) await page.fill('#text', text);
  await page.click('#send');
  const mine = page.locator('[data-testid=user-message]').nth(before);
  await mine.waitFor();
  const answer = page.locator(`[data-testid=bot-message][data-reply-to="${await mine.getAttribute('data-message-id')}"]`);
  await answer.waitFor();
  return (await answer.innerText()).trim();
}

/** vitest's expect.poll gives up after 1 s; a page under a loaded test run may need longer. */
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 100 });

const LAUNCH = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The demo bureau on a Tuesday morning (a working day), driven through the page as a visitor would. */
describe.skipIf(!hasChromium)('the sandbox page in Chromium, on the demo bureau', () => {
  beforeAll(async () => {
    sb = await startSandbox({ demo: true, clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH });
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  // The figures first, before the later tests add a problem and progress of their own.
  it('exports the problem ledger and downloads it from the private chat', async () => {
    const page = await open('陈志远', '领导班子群');
    const reply = await send(page, '/导出 问题台账 全部');
    expect(reply).toMatch(/已生成《.+\.xlsx》（71 条记录），已私信发送给你/);
    await switchTo(page, '陈志远', '私聊');
    const link = page.locator('[data-testid=file-link]').last();
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const summary = wb.getWorksheet(PROBLEM_SHEETS.summary)!;
    const total = summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).value === '合计')!;
    expect([total.getCell(2).value, total.getCell(3).value]).toEqual([71, 69]);
    await page.close();
  });

  it('draws the /进度 chart with VChart, at desktop and at phone width', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      const page = await open('陈志远', '领导班子群', viewport);
      const card = await send(page, '/进度');
      expect(card).toContain('督办进度 · 全局');
      expect(card).toContain('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项');
      // Two charts (per-branch problems and study participation), each drawn and within the page width.
      const charts = page.locator('.msg.bot').last().locator('.chart[data-rendered=true] canvas');
      await eventually(() => charts.count()).toBe(2);
      for (const chart of await charts.all()) {
        const box = (await chart.boundingBox())!;
        expect(box.width).toBeGreaterThan(250);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.close();
    }
  });
  it('answers /帮助 with the commands a member may use', async () => {
    const page = await open('吴海涛', '办公室党支部群');
    const help = await send(page, '/帮助');
    expect(help).toContain('督办可用命令（你的角色：党员）');
    expect(help).toContain('/学习');
    expect(help).not.toContain('/任命');
    await page.close();
  });

  it('logs a study session and echoes it with its date', async () => {
    const page = await open('吴海涛', '办公室党支部群');
    const reply = await send(page, '/学习 2小时 自学 《习近平著作选读》第一卷');
    expect(reply).toMatch(/已记录 S\d+：2026-11-24（周二）个人自学 2小时/);
    expect(reply).toContain('计入 吴海涛');
    await page.close();
  });

  it('opens a problem as the secretary, tells the lead person privately, and shows it', async () => {
    const page = await open('周文静', '办公室党支部群');
    const reply = await send(page, '/问题 窗口高峰期排队时间长 责任单位:政务服务科 时限:下周五 负责人:@吴海涛 来源:群众反映');
    expect(reply).toContain('已登记问题 P72（办公室党支部）');
    expect(reply).toContain('时限：2026-12-04（周五）');
    const shown = await send(page, '/问题 P72');
    expect(shown).toContain('窗口高峰期排队时间长');
    expect(shown).toContain('整改中');
    await switchTo(page, '吴海涛', '私聊');
    await eventually(() => page.locator('[data-testid=bot-message]').last().innerText()).toContain('由你牵头整改');
    await page.close();
  });

  it('runs the reminders from the clock panel and works a button on the reminder card', async () => {
    const page = await open('吴海涛', '办公室党支部群');
    await page.click('#jobs button[data-job=reminders]');
    await eventually(() => page.textContent('#job-result')).toMatch(/「截止提醒」按 2026-11-24（周二）10:\d\d 运行：发出 4 条：/);
    expect(await page.textContent('#job-result')).toContain('领导班子群（2 项逾期升级）');
    const card = page.locator('.msg.bot', { hasText: '督办提醒' }).last();
    await card.waitFor();
    const office = await sb.app.store.read(async (tx) => (await tx.listProblems({ branchId: (await tx.findBranchByName('办公室党支部'))!.id })).find((p) => p.status === '整改中')!);
    expect(await card.innerText()).toContain(`${office.id} 问题：档案管理数字化程度低`);

    // The form comes to the presser alone (仅对你可见); the shared card is not changed by opening it.
    await card.getByRole('button', { name: '更新进展' }).first().click();
    const form = page.locator('.msg.bot', { hasText: '仅对你可见' }).last();
    const note = form.locator('input[name=note]');
    await note.waitFor();
    expect(await card.locator('input[name=note]').count()).toBe(0);
    await note.fill('已完成历年档案扫描三分之二');
    // A person takes a while to type; the page's polling must not redraw the form and wipe it meanwhile.
    await page.waitForTimeout(1500);
    await form.getByRole('button', { name: `提交更新进展（${office.id}）` }).click();
    await eventually(() => page.textContent('#toast')).toContain(`已记录 ${office.id} 的整改进展`);
    // The used form is deleted and the shared card is PATCHed with the outcome line.
    await eventually(() => page.locator('.msg.bot', { hasText: '仅对你可见' }).count()).toBe(0);
    await eventually(() => card.innerText()).toMatch(new RegExp(`吴海涛 于 11-24 \\d\\d:\\d\\d 更新进展：已完成历年档案扫描三分之二`));
    const after = await sb.app.store.read((tx) => tx.getProblem(office.id));
    expect(after!.history.at(-1)).toMatchObject({ action: 'progress', note: '已完成历年档案扫描三分之二' });
    await page.close();
  });

  it('runs the weekly digest, which arrives in every branch chat', async () => {
    const page = await open('周文静', '办公室党支部群');
    await page.click('#jobs button[data-job=weekly-digest]');
    await eventually(() => page.textContent('#job-result')).toContain('发出 5 条');
    const digest = page.locator('.msg.bot', { hasText: '办公室党支部 周报' });
    await digest.waitFor();
    expect(await digest.innerText()).toContain('上周学习');
    await eventually(() => page.locator('#chats li', { hasText: '信息中心党支部群' }).locator('.badge').textContent()).toBeTruthy();
    await page.close();
  });

});

/** A fresh `npm start` sandbox: the page's five-minute tour must work, step by step, for a newcomer. */
describe.skipIf(!hasChromium)('the sandbox page in Chromium, on a fresh sandbox', () => {
  beforeAll(async () => {
    sb = await startSandbox({ clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH });
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  it('walks the five-minute tour: study, a rectification cycle, a reminder and the leader’s /进度', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sb.app.url}/sandbox`);
    await page.waitForSelector('body[data-ready=true]');
    const answers: string[] = [];
    for (let step = 1; step <= 8; step++) {
      const item = page.locator('#tour li').nth(step - 1);
      if (step === 7) {
        await page.click('#jobs button[data-job=reminders]');
        await eventually(() => page.textContent('#job-result')).toContain('「截止提醒」');
        continue;
      }
      await item.getByRole('button', { name: '填入' }).click();
      answers.push(await send(page));
    }
    const [study, opened, measure, done, close, review, progress] = answers;
    expect(study).toMatch(/已记录 S1：2026-11-24（周二）个人自学 2小时/);
    expect(opened).toContain('已登记问题 P1（第一支部）');
    expect(measure).toContain('已为 P1 添加措施 P1-1');
    expect(done).toContain('措施 P1-1 已完成');
    expect(close).toContain('待审核 · 张三 申请 P1 销号'); // in the branch chat the review card is the one answer
    expect(review).toContain('P1 已整改销号。');
    expect(progress).toContain('检视问题 1 个，已整改销号 1 个（100.0%），制定整改措施 1 项，逾期问题 0 个');
    await page.close();
  });
});
