import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { shortBranchName } from '../../commands/figures/branch-names.js';
import { parseHeadline, parseStudyLine } from '../figures/surfaces.js';
import { startSandbox, tickingFrom } from '../support/sandbox.js';

// The sandbox's figures panel reads the bureau's figures from the one definition /进度 prints (readBureauFigures).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

interface Row {
  id: string;
  name: string;
  short: string;
  found: number;
  rectified: number;
  overdueProblems: number;
  sessions: number;
  hours: number;
  participations: number;
}
interface Figures {
  period: string;
  bureau: Row;
  branches: Row[];
}

describe('the sandbox figures panel', () => {
  it('lists the bureau and every branch with the figures /进度 prints for them, for 本月 or a named period', async () => {
    sb = await startSandbox({ demo: true, clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    const s = await sb.state();
    const leader = s.people.find((p) => p.role === 'leader')!;
    const branches = await sb.app.store.read((tx) => tx.listBranches());

    for (const word of ['本月', '本季度']) {
      const { status, json } = await sb.api(word === '本月' ? 'state' : `state?period=${encodeURIComponent(word)}`);
      expect(status).toBe(200);
      const figures = json.figures as Figures;
      expect(figures.period).toContain(word === '本月' ? '11月' : '第四季度');
      expect(figures.branches.map((b) => b.name)).toEqual(branches.map((b) => b.name));
      expect(figures.bureau.found).toBeGreaterThan(0);

      for (const [row, scope] of [[figures.bureau, ''], ...figures.branches.slice(0, 2).map((b) => [b, shortBranchName(b.name)] as const)] as const) {
        await sb.say(leader.name, '私聊', `/进度 ${scope} ${word}`.replace(/\s+/g, ' '));
        const card = JSON.stringify((await sb.lines(`与督办私聊（${leader.name}）`)).filter((l) => l.from !== leader.id).at(-1)!.content);
        const head = parseHeadline(card);
        const study = parseStudyLine(card);
        const label = `${scope || '全局'} ${word}`;
        expect({ found: row.found, rectified: row.rectified, overdueProblems: row.overdueProblems }, label).toEqual({ found: head.found, rectified: head.rectified, overdueProblems: head.overdueProblems });
        expect({ sessions: row.sessions, hours: row.hours, participations: row.participations }, label).toEqual({ sessions: study.sessions, hours: study.hours, participations: study.participations });
      }
    }
  });

  it.skipIf(!existsSync(CHROMIUM))('shows those figures in the page panel, one row for the bureau and one per branch', async () => {
    sb = await startSandbox({ demo: true, clock: tickingFrom('2026-11-24T10:00:00+08:00') });
    const figures = (await sb.api('state')).json.figures as Figures;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${sb.app.url}/sandbox`);
      await page.waitForSelector('body[data-ready=true]');
      expect(await page.textContent('#figures-title')).toBe(`数字（${figures.period}）`);
      const rows = await page.$$eval('#figures tr', (trs) => trs.slice(1).map((tr) => [...tr.children].map((c) => c.textContent)));
      const want = [figures.bureau, ...figures.branches].map((r) => [r.short, r.found, r.rectified, r.overdueProblems, r.sessions, r.hours, r.participations].map(String));
      expect(rows).toEqual(want);
    } finally {
      await browser.close();
    }
  });
});
