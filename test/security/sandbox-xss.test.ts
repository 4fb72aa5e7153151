import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../support/sandbox.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[sandbox-xss] skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

const LAUNCH = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Each payload reports itself by calling alert; the page must show them as text and run none.
const BRANCH = '<img src=x onerror=alert("branch")>';
const PERSON = '<img src=x onerror=alert("person")>';
const TEXT = '<img src=x onerror=alert("text")><svg onload=alert("svg")>';
const LINK = '[点此](javascript:alert("link"))';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox;
let browser: Browser;

const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 100 });

describe.skipIf(!hasChromium)('the sandbox page renders what users typed as text, never as HTML', () => {
  beforeAll(async () => {
    sb = await startSandbox();
    // Names come from admins and the contact directory, with spaces and all; put them straight into the store.
    await sb.app.store.transact(async (tx) => {
      const stamp = { by: 'test', at: new Date().toISOString() };
      const branch = await tx.createBranch(BRANCH, stamp);
      await tx.bindChat({ id: 'oc_xss_branch', kind: 'branch', branchId: branch.id }, stamp);
      const zhang = (await tx.findPeopleByName('张三'))[0]!;
      await tx.savePerson({ id: zhang.id, branchId: branch.id }, stamp);
      await tx.savePerson({ id: 'ou_sandbox_xss_person', name: PERSON, nameSource: 'contact', role: 'member', branchId: branch.id }, stamp);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH });
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  async function open(): Promise<{ page: Page; alerts: string[] }> {
    const page = await browser.newPage();
    const alerts: string[] = [];
    page.on('dialog', (d) => {
      alerts.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${sb.app.url}/sandbox`);
    await page.waitForSelector('body[data-ready=true]');
    return { page, alerts };
  }

  it('shows a branch and a person named like HTML as text in the people list, the chat list and the tour', async () => {
    const { page, alerts } = await open();
    expect(await page.locator('#person option', { hasText: PERSON }).count()).toBe(1);
    expect(await page.locator(`#person optgroup[label='${BRANCH}']`).count()).toBe(1);
    expect(await page.locator('#chats li', { hasText: `${BRANCH}群` }).count()).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll('img, svg, [onerror], [onload]').length)).toBe(0);
    expect(alerts).toEqual([]);
    await page.close();
  });

  it('shows HTML and links typed into a command as text, in the reply and in the cards', async () => {
    const { page, alerts } = await open();
    await sb.say('张三', `${BRANCH}群`, `/问题 ${TEXT}${LINK} 责任单位:科 时限:12月31日 负责人:@张三`);
    await sb.say('张三', `${BRANCH}群`, `/延期 P1 2027-01-31 ${TEXT}${LINK}`);
    await page.selectOption('#person', (await sb.state()).people.find((p) => p.name === '张三')!.id);
    await page.click('#chats li[data-chat="oc_xss_branch"]');
    const review = page.locator('.msg.bot', { hasText: '待审核' }).last();
    await review.waitFor();
    await eventually(async () => (await page.locator('.msg.bot').allInnerTexts()).join('\n')).toContain('已登记问题 P1');
    expect(await review.innerText()).toContain(`理由：${TEXT}${LINK}`);
    expect(await page.evaluate(() => document.querySelectorAll('#log img, #log svg, #log [onerror], #log [onload], #log a[href^="javascript"]').length)).toBe(0);
    expect(alerts).toEqual([]);
    await page.close();
  });
});
