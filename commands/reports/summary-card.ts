import { gapsOf, type BureauFigures, type QuotaGap } from '../figures/bureau-figures.js';
import { gapArray, type GapList } from '../figures/quota-figures.js';
import { shortBranchName } from '../figures/branch-names.js';
import { FIGURE } from '../figures/glossary.js';
import { formatRate, NO_SOURCE } from '../figures/ledger-figures.js';
import { PROBLEM_SOURCES } from '../../storage/ledger.js';
import { countByKind } from '../figures/open-items.js';
import { formatHours, turnout, type StudyFigures } from '../figures/study-figures.js';
import { formatDate } from '../shared/calendar.js';
import { md, type Card, type CardElement } from '../shared/card.js';
import { fitCard } from '../shared/card-fit.js';
import { escapeText } from '../shared/escape.js';
import { markdown } from '../shared/markdown.js';
import type { Names } from './names.js';

/** How many branches the charts show before the card summarises and points to the export. */
export const CHART_BRANCHES = 16;
const TABLE_ROWS = 10;
/** Gap rows a card carries (the table pages through them); the export has the rest. */
export const GAP_ROWS = 100;
/** Overdue rows a card carries. */
export const OVERDUE_ROWS = 50;

const KIND: Record<string, string> = { problem: '问题', measure: '措施', task: '督办' };

/** `检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个`: the sentence leaders report in. */
export function headline(f: BureauFigures): string {
  const t = f.ledger.total;
  return `${FIGURE.found} ${t.found} 个，${FIGURE.rectified} ${t.rectified} 个（${formatRate(t.rate)}），制定${FIGURE.measures} ${t.measures} 项，${FIGURE.overdueProblems} ${t.overdue} 个`;
}

/** `按来源：调查研究发现 3 个、推动发展遇到 1 个；其中专项整治问题 2 个`: the report's split of 检视问题 (专项整治 is a mark across sources). */
export function sourceLine(f: Pick<BureauFigures, 'ledger'>): string {
  const by = f.ledger.bySource;
  const named = [...PROBLEM_SOURCES.filter((s) => s !== '专项整治'), NO_SOURCE].filter((s) => (by[s]?.found ?? 0) > 0);
  return `按来源：${named.length ? named.map((s) => `${s} ${by[s]!.found} 个`).join('、') : '无'}；其中${FIGURE.special} ${f.ledger.total.special} 个`;
}

/** One line of study figures; a person's own line names neither 人次 nor a turnout of one. */
export function studyLine(label: string, s: StudyFigures, person = false): string {
  const base = `${label}：${FIGURE.sessions} ${s.sessions} 次，${FIGURE.hours} ${formatHours(s.hours)}`;
  if (person) return base;
  const share = s.roster === 0 ? '' : `，${FIGURE.turnout} ${s.participants}/${s.roster} 人（${formatRate(turnout(s))}）`;
  return `${base}，${FIGURE.participations} ${s.participations} 人次${share}`;
}

/** `逾期事项 4 项（问题 2 个、措施 1 项、督办 1 项）`: the table's title, saying what it counts. */
export function overdueTitle(f: Pick<BureauFigures, 'overdue'>): string {
  const n = countByKind(f.overdue);
  return `${FIGURE.overdueItems} ${f.overdue.length} 项（问题 ${n.problem} 个、措施 ${n.measure} 项、督办 ${n.task} 项）`;
}

/** Whether the period is the year so far, so its study line would repeat the year's. */
function periodIsYearToDate(f: BureauFigures): boolean {
  return f.period.start === `${f.asOf.slice(0, 4)}-01-01` && f.period.end >= f.asOf;
}

/** The progress summary as a card JSON 2.0: number tiles, study, the per-branch charts, overdue items and the gap list; a branch's linked leaders (联系支部) in the subtitle. */
export function renderSummaryCard(f: BureauFigures, names: Names, scopeLabel: string, linkedLeaders: readonly string[] = []): Card {
  const t = f.ledger.total;
  const person = f.scope.personId !== undefined;
  const els: CardElement[] = [tiles(f)];
  const during = t.period ? markdown`\n本期新增问题 ${t.period.found} 个，销号 ${t.period.rectified} 个；新增措施 ${t.period.measures} 项，完成 ${t.period.measuresDone} 项。` : markdown``;
  els.push(md(markdown`**${headline(f)}**${during}\n整改中 ${t.inProgress} 个（待审核 ${t.pendingReview}，申请延期 ${t.extensionRequested}），${FIGURE.overdueMeasures} ${t.overdueMeasures} 项。`));
  els.push(md(markdown`${sourceLine(f)}`));
  const yearLine = periodIsYearToDate(f) ? markdown`` : markdown`\n${studyLine(`${f.asOf.slice(0, 4)}年累计`, f.study.year, person)}`;
  els.push(md(markdown`${studyLine(f.period.label, f.study.period, person)}${yearLine}`));

  const rows = chartRows(f, scopeLabel);
  els.push({ tag: 'chart', aspect_ratio: rows.length > 4 ? '4:3' : '2:1', chart_spec: openProblemsChart(rows) });
  els.push({ tag: 'chart', aspect_ratio: rows.length > 4 ? '4:3' : '2:1', chart_spec: ratesChart(rows) });
  if (!person && f.branches.length > CHART_BRANCHES) els.push(md(markdown`图表显示前 ${CHART_BRANCHES} 个支部，共 ${f.branches.length} 个；全部数据请用 /导出 问题台账。`));

  if (f.overdue.length > 0) {
    els.push(md(markdown`**${overdueTitle(f)}**`));
    els.push({
      tag: 'table',
      page_size: Math.min(TABLE_ROWS, f.overdue.length),
      columns: [
        { name: 'id', display_name: '编号', data_type: 'text', width: '64px' },
        { name: 'title', display_name: '事项', data_type: 'text' },
        { name: 'owner', display_name: '负责人', data_type: 'text', width: '72px' },
        { name: 'days', display_name: '逾期', data_type: 'text', width: '80px' },
      ],
      rows: f.overdue.slice(0, OVERDUE_ROWS).map((o) => ({ id: o.id, title: `${KIND[o.kind]}：${clip(o.title, 30)}`, owner: o.owners.map((id) => names.person(id)).join('、'), days: `${o.days} 个工作日` })),
    });
  } else els.push(md(markdown`没有${FIGURE.overdueItems}。`));

  const gaps = gapsOf(f);
  if (gaps.length > 0) {
    els.push(md(markdown`**${FIGURE.gaps}**（截至 ${formatDate(f.asOf)}，只列未完成的）`));
    els.push({
      tag: 'table',
      page_size: Math.min(TABLE_ROWS, gaps.length),
      columns: [
        { name: 'branch', display_name: '支部', data_type: 'text', width: '90px' },
        { name: 'person', display_name: '人员', data_type: 'text', width: '72px' },
        { name: 'quota', display_name: '指标', data_type: 'text' },
        { name: 'progress', display_name: '完成', data_type: 'text', width: '64px' },
      ],
      rows: firstGaps(gaps, GAP_ROWS).map((g) => ({ branch: shortBranchName(g.group ?? names.branch(g.branchId)), person: names.person(g.personId), quota: `${g.quota}（${g.periodEnd.slice(5)}止）`, progress: g.progress })),
    });
  } else els.push(md(markdown`本期到期的指标均已完成。`));

  return fitCard(`督办进度 · ${scopeLabel}`, shrink(els), { subtitle: `${f.period.label}（统计至 ${formatDate(f.asOf)}）${linkedLeaders.length ? ` · 联系领导 ${linkedLeaders.join('、')}` : ''}`, summary: headline(f) }, '（全部数据请用 /导出 问题台账）');
}

/** The people `renderSummaryCard` names, so a caller reads only their names (a province's 全局 card names 150 of 40,000). */
export function namedOnCard(f: BureauFigures): string[] {
  return [...f.overdue.slice(0, OVERDUE_ROWS).flatMap((o) => o.owners), ...firstGaps(gapsOf(f), GAP_ROWS).map((g) => g.personId)];
}

/** Headline figures as number tiles, three to a row so they stay legible at phone width. */
function tiles(f: BureauFigures): CardElement {
  const t = f.ledger.total;
  const s = f.study.period;
  const tile = (value: string, label: string) => ({ tag: 'column' as const, width: 'weighted', weight: 1, elements: [md(markdown`**${value}**\n${label}`)] });
  const shown = [
    tile(String(t.found), FIGURE.found),
    tile(`${t.rectified}（${formatRate(t.rate)}）`, FIGURE.rectified),
    tile(String(t.overdue), FIGURE.overdueProblems),
    tile(String(s.sessions), FIGURE.sessions),
    tile(String(s.hours), `${FIGURE.hours}（小时）`),
    f.scope.personId !== undefined ? tile(String(f.overdue.length), FIGURE.overdueItems) : tile(s.roster === 0 ? '—' : formatRate(turnout(s)), FIGURE.turnout),
  ];
  return { tag: 'column_set', flex_mode: 'trisect', columns: shown };
}

/** One bar group of the charts: a branch, or the scope itself on a branch's or a person's card. */
export interface ChartRow {
  label: string;
  open: number;
  overdue: number;
  rate?: number;
  turnout?: number;
  quota?: number;
}

/** The rows the charts draw: each branch (short names) for the bureau, else the one scope from its totals. */
export function chartRows(f: BureauFigures, scopeLabel: string): ChartRow[] {
  const pct = (x: number) => Math.round(x * 1000) / 10;
  const quotaOf = (q: { met: number; total: number } | undefined) => (q && q.total > 0 ? pct(q.met / q.total) : undefined);
  const row = (name: string, l: BureauFigures['ledger']['total'] | undefined, s: StudyFigures | undefined, q: { met: number; total: number } | undefined): ChartRow => ({
    // Chart labels are drawn as plain text, but a typed branch name still gets the escaping every card string gets.
    label: escapeText(name),
    open: (l?.inProgress ?? 0) - (l?.overdue ?? 0),
    overdue: l?.overdue ?? 0,
    // A scope with nothing to measure gets no bar rather than a misleading 0.
    ...(l && l.found > 0 ? { rate: pct(l.rate) } : {}),
    ...(s && s.roster > 0 ? { turnout: pct(turnout(s)) } : {}),
    ...(quotaOf(q) !== undefined ? { quota: quotaOf(q) } : {}),
  });
  if (f.scope.branchId === undefined && f.scope.personId === undefined && f.branches.length > 0) {
    return f.branches.slice(0, CHART_BRANCHES).map((b) => row(b.short ?? shortBranchName(b.name), f.ledger.byBranch[b.id], f.studyByBranch[b.id], f.quotaByBranch[b.id]));
  }
  const quota = Object.values(f.quotaByBranch).reduce((a, q) => ({ met: a.met + q.met, total: a.total + q.total }), { met: 0, total: 0 });
  return [row(shortBranchName(scopeLabel), f.ledger.total, f.study.period, quota)];
}

/** Stacked bars of open problems per row: overdue and not yet overdue, so where the trouble is shows at a glance. */
export function openProblemsChart(rows: readonly ChartRow[]): Record<string, unknown> {
  const values = rows.flatMap((r) => [
    { branch: r.label, series: '逾期', value: r.overdue },
    { branch: r.label, series: '未逾期', value: r.open },
  ]);
  return barSpec(values, { stack: true, title: '在办问题（个）', max: undefined, colors: ['#f54a45', '#ffc60a'] });
}

/** Grouped bars per row: 整改完成率, 学习参与率 and 指标完成率 of the period (%). */
export function ratesChart(rows: readonly ChartRow[]): Record<string, unknown> {
  const values = rows.flatMap((r) => [
    ...(r.rate !== undefined ? [{ branch: r.label, series: '整改完成率', value: r.rate }] : []),
    ...(r.turnout !== undefined ? [{ branch: r.label, series: '学习参与率', value: r.turnout }] : []),
    ...(r.quota !== undefined ? [{ branch: r.label, series: '指标完成率', value: r.quota }] : []),
  ]);
  return barSpec(values, { stack: false, title: '整改完成率 · 学习参与率 · 指标完成率（%）', max: 100, colors: ['#3370ff', '#34c724', '#7f3bf5'] });
}

function barSpec(values: { branch: string; series: string; value: number }[], o: { stack: boolean; title: string; max: number | undefined; colors: string[] }): Record<string, unknown> {
  return {
    type: 'bar',
    data: [{ id: 'branches', values }],
    direction: 'horizontal',
    xField: 'value',
    yField: o.stack ? 'branch' : ['branch', 'series'],
    seriesField: 'series',
    stack: o.stack,
    color: o.colors,
    axes: [
      { orient: 'bottom', type: 'linear', min: 0, ...(o.max !== undefined ? { max: o.max } : {}), label: { visible: true } },
      { orient: 'left', type: 'band', label: { visible: true, style: { fontSize: 11 } } },
    ],
    legends: { visible: true, orient: 'top' },
    label: { visible: true },
    title: { visible: true, text: o.title },
  };
}

// localeCompare's order, with the collator made once: a province's 全局 card sorts 100,000 gaps.
const collate = new Intl.Collator().compare;

/**
 * The first `n` gaps by branch and then person (ties in list order): what sorting the whole list and taking `n`
 * gives, sorting only the branch ids and the branches shown (a province's 全局 card has 100,000 gaps for 100 rows).
 */
export function firstGaps(gaps: readonly QuotaGap[] | GapList, n: number): QuotaGap[] {
  const list: GapList = isGapList(gaps) ? gaps : gapArray(gaps);
  const byBranch = new Map<string, number[]>();
  for (let i = 0; i < list.length; i++) {
    const key = list.branchId(i);
    const at = byBranch.get(key);
    if (at) at.push(i);
    else byBranch.set(key, [i]);
  }
  const keys = [...byBranch.keys()].sort(collate);
  const out: QuotaGap[] = [];
  for (let i = 0; i < keys.length && out.length < n; ) {
    // Branch ids the collator cannot tell apart sort as one, their gaps in list order.
    let j = i + 1;
    while (j < keys.length && collate(keys[i]!, keys[j]!) === 0) j++;
    const at = keys.slice(i, j).flatMap((k) => byBranch.get(k)!);
    if (j - i > 1) at.sort((a, b) => a - b);
    out.push(...at.sort((a, b) => collate(list.personId(a), list.personId(b)) || a - b).map((x) => list.at(x)));
    i = j;
  }
  return out.slice(0, n);
}

const isGapList = (g: readonly QuotaGap[] | GapList): g is GapList => !Array.isArray(g);

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
