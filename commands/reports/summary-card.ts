import type { BureauFigures, QuotaGap } from '../figures/bureau-figures.js';
import { formatDate } from '../shared/calendar.js';
import { md, type Card, type CardElement } from '../shared/card.js';
import { fitCard } from '../shared/card-fit.js';
import { markdown } from '../shared/markdown.js';
import { formatRate } from '../figures/ledger-figures.js';
import type { Names } from './names.js';

/** How many branches the chart shows before the card summarises and points to the export. */
export const CHART_BRANCHES = 16;
const TABLE_ROWS = 10;

const KIND: Record<string, string> = { problem: '问题', measure: '措施', task: '督办' };

/** `检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期 2 个`: the sentence leaders report in. */
export function headline(f: BureauFigures): string {
  const t = f.ledger.total;
  return `检视问题 ${t.found} 个，已整改销号 ${t.rectified} 个（${formatRate(t.rate)}），制定整改措施 ${t.measures} 项，逾期 ${t.overdue} 个`;
}

/** One line of study figures. */
export function studyLine(label: string, s: BureauFigures['study']['period']): string {
  const share = s.members === 0 ? '' : `，${s.membersWhoLogged}/${s.members} 名党员参加（${formatRate(s.membersWhoLogged / s.members)}）`;
  return `${label}：学习活动 ${s.sessions} 次，共 ${s.hours} 小时，参与 ${s.participations} 人次${share}`;
}

/** The progress summary as a card JSON 2.0: headline, study, a per-branch chart, overdue items and the gap list. */
export function renderSummaryCard(f: BureauFigures, names: Names, scopeLabel: string): Card {
  const t = f.ledger.total;
  const els: CardElement[] = [];
  const during = t.period ? markdown`\n本期新增问题 ${t.period.found} 个，销号 ${t.period.rectified} 个；新增措施 ${t.period.measures} 项，完成 ${t.period.measuresDone} 项。` : markdown``;
  els.push(md(markdown`**${headline(f)}**${during}\n整改中 ${t.inProgress} 个（待审核 ${t.pendingReview}，申请延期 ${t.extensionRequested}），逾期措施 ${t.overdueMeasures} 项。`));
  els.push(md(markdown`${studyLine(f.period.label, f.study.period)}\n${studyLine(`${f.asOf.slice(0, 4)}年累计`, f.study.year)}`));

  if (!f.scope.personId && f.branches.length > 1) {
    const shown = f.branches.slice(0, CHART_BRANCHES);
    els.push({ tag: 'chart', aspect_ratio: '4:3', chart_spec: branchChart(f, shown) });
    if (f.branches.length > shown.length) els.push(md(markdown`图表显示前 ${shown.length} 个支部，共 ${f.branches.length} 个；全部数据请用 /导出 问题台账。`));
  }

  if (f.overdue.length > 0) {
    els.push(md(markdown`**逾期事项 ${f.overdue.length} 项**`));
    els.push({
      tag: 'table',
      page_size: Math.min(TABLE_ROWS, f.overdue.length),
      columns: [
        { name: 'id', display_name: '编号', data_type: 'text', width: '64px' },
        { name: 'title', display_name: '事项', data_type: 'text' },
        { name: 'owner', display_name: '负责人', data_type: 'text', width: '72px' },
        { name: 'days', display_name: '逾期', data_type: 'text', width: '80px' },
      ],
      rows: f.overdue.slice(0, 50).map((o) => ({ id: o.id, title: `${KIND[o.kind]}：${clip(o.title, 30)}`, owner: names.person(o.owner), days: `${o.days} 个工作日` })),
    });
  } else els.push(md(markdown`没有逾期事项。`));

  if (f.gaps.length > 0) {
    els.push(md(markdown`**指标缺口**（截至 ${formatDate(f.asOf)}，只列未完成的）`));
    els.push({
      tag: 'table',
      page_size: Math.min(TABLE_ROWS, f.gaps.length),
      columns: [
        { name: 'branch', display_name: '支部', data_type: 'text', width: '90px' },
        { name: 'person', display_name: '人员', data_type: 'text', width: '72px' },
        { name: 'quota', display_name: '指标', data_type: 'text' },
        { name: 'progress', display_name: '完成', data_type: 'text', width: '64px' },
      ],
      rows: sortGaps(f.gaps)
        .slice(0, 100)
        .map((g) => ({ branch: names.branch(g.branchId), person: names.person(g.personId), quota: `${g.quota}（${g.periodEnd.slice(5)}止）`, progress: g.progress })),
    });
  } else els.push(md(markdown`本期到期的指标均已完成。`));

  return fitCard(`督办进度 · ${scopeLabel}`, shrink(els), { subtitle: `${f.period.label}（统计至 ${formatDate(f.asOf)}）`, summary: headline(f) }, '（全部数据请用 /导出 问题台账）');
}

/** A grouped bar chart (VChart spec, plain JSON): rectification rate and quota completion per branch. */
export function branchChart(f: BureauFigures, shown: readonly { id: string; name: string }[]): Record<string, unknown> {
  const values: { branch: string; series: string; value: number }[] = [];
  for (const b of shown) {
    const l = f.ledger.byBranch[b.id];
    const q = f.quotaByBranch[b.id];
    // A branch with nothing to measure gets no bar rather than a misleading 0.
    if (l && l.found > 0) values.push({ branch: b.name, series: '整改销号率', value: Math.round(l.rate * 1000) / 10 });
    if (q && q.total > 0) values.push({ branch: b.name, series: '指标完成率', value: Math.round((q.met / q.total) * 1000) / 10 });
  }
  return {
    type: 'bar',
    data: [{ id: 'branches', values }],
    direction: 'horizontal',
    xField: 'value',
    yField: ['branch', 'series'],
    seriesField: 'series',
    axes: [
      { orient: 'bottom', type: 'linear', min: 0, max: 100, label: { visible: true } },
      { orient: 'left', type: 'band' },
    ],
    legends: { visible: true, orient: 'top' },
    label: { visible: true },
    title: { visible: true, text: '各支部整改销号率与指标完成率（%）' },
  };
}

function sortGaps(gaps: readonly QuotaGap[]): QuotaGap[] {
  return [...gaps].sort((a, b) => (a.branchId ?? '').localeCompare(b.branchId ?? '') || a.personId.localeCompare(b.personId));
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** Drops table rows until the elements fit a card with room to spare; the export carries the rest. */
function shrink(els: CardElement[]): CardElement[] {
  for (let i = 0; i < 20 && Buffer.byteLength(JSON.stringify(els)) > 24 * 1024; i++) {
    for (const e of els) if (e.tag === 'table' && e.rows.length > TABLE_ROWS) e.rows = e.rows.slice(0, Math.max(TABLE_ROWS, Math.floor(e.rows.length / 2)));
  }
  return els;
}
