// Desktop and phone screenshots of a running sandbox (and the phone's last answer alone): tsx scripts/screenshot.ts [url] [outdir]
// AS (a person's name), CHAT (a chat's name) and SAY (messages separated by |) choose what is shown; by default the
// first leader asks for /进度 in the leadership chat, so the progress card and its chart are on screen.
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://localhost:3000/sandbox';
const out = process.argv[3] ?? '.';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: name === 'phone' ? 2 : 1 });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  const person = process.env.AS
    ? await page.locator('#person option', { hasText: process.env.AS }).first().getAttribute('value')
    : await page.locator('#person option', { hasText: '领导' }).first().getAttribute('value');
  if (person) await page.selectOption('#person', person);
  await page.locator('#chats li', { hasText: process.env.CHAT ?? '领导班子群' }).first().click();
  for (const text of (process.env.SAY ?? '/进度').split('|')) {
    const before = await page.locator('[data-testid=bot-message]').count();
    await page.fill('#text', text);
    await page.click('#send');
    await page.locator('[data-testid=bot-message]').nth(before).waitFor();
  }
  if ((await page.locator('.chart').count()) > 0) await page.waitForSelector('.chart[data-rendered=true]');
  // Let VChart finish laying out before the picture is taken.
  await page.waitForTimeout(500);
  // Show the answer from its header down.
  await page.locator('.msg.bot').last().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${out}/sandbox-${name}.png`, fullPage: name === 'phone' });
  // The whole answer on its own, as it would be read scrolling through the chat.
  if (name === 'phone') {
    await page.addStyleTag({ content: '.chat { height: auto !important } .log { overflow: visible !important }' });
    await page.waitForTimeout(300);
    await page.locator('.msg.bot').last().screenshot({ path: `${out}/sandbox-phone-answer.png` });
  }
  await page.close();
}
await browser.close();
