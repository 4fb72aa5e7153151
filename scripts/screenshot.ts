// Takes desktop and phone screenshots of a running sandbox: tsx scripts/screenshot.ts [url] [outdir]
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://localhost:3000/sandbox';
const out = process.argv[3] ?? '.';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  await page.waitForSelector('#person option', { state: 'attached' });
  for (const text of (process.env.SAY ?? '/帮助').split('|')) {
    await page.fill('#text', text);
    await page.click('button[type=submit]');
    await page.waitForTimeout(1200);
  }
  await page.screenshot({ path: `${out}/sandbox-${name}.png`, fullPage: name === 'phone' });
  await page.close();
}
await browser.close();
