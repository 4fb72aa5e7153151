// Renders the /进度 card's chart (VChart spec) to PNG in headless Chromium, to look at it:
//   tsx scripts/render-chart.ts <spec.json> <out.png>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [specFile, out = 'chart.png'] = process.argv.slice(2);
if (!specFile) throw new Error('usage: tsx scripts/render-chart.ts <spec.json> <out.png>');
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const vchart = readFileSync(createRequire(import.meta.url).resolve('@visactor/vchart/build/index.min.js'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 390, height: 420 }, deviceScaleFactor: 2 });
await page.setContent('<div id="c" style="width:370px;height:400px"></div>');
await page.addScriptTag({ content: vchart });
await page.evaluate((s) => {
  const V = (window as unknown as { VChart: { default: new (spec: unknown, opts: { dom: string; animation: boolean }) => { renderSync(): void } } }).VChart;
  new V.default(s, { dom: 'c', animation: false }).renderSync();
}, spec);
await page.waitForTimeout(300);
await page.screenshot({ path: out });
await browser.close();
process.stdout.write(`${out}\n`);
