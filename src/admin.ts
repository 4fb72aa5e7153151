import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { toLocalDate } from '../commands/shared/calendar.js';
import { exportProblems, exportStudy } from '../commands/reports/export-files.js';
import { lookupBranch } from '../commands/figures/find-branch.js';
import { parsePeriodWord } from '../commands/shared/periods.js';
import { readRunRequest } from './admin-run-request.js';
import { dryRunJob } from './dry-run.js';
import type { Job, JobDeps } from './jobs/types.js';

/**
 * `POST /admin/jobs/:name/run` (one job as of `at`, or with `dryRun` only what it would send) and
 * `GET /admin/export/{problems,study}.xlsx`; bearer-token protected, off without a token.
 */
export function createAdminRoutes(deps: { token?: string; jobs: readonly Job[]; jobDeps: JobDeps; clock: () => Date; onRan?: () => void }): Router {
  const router = new Router({ prefix: '/admin' });
  router.use(async (ctx, next) => {
    const given = (ctx.get('authorization').match(/^Bearer (.+)$/) ?? [])[1] ?? '';
    if (!deps.token || !equal(given, deps.token)) {
      ctx.status = 401;
      ctx.body = { error: deps.token ? 'bad or missing bearer token' : 'admin API is off (set DUBAN_ADMIN_TOKEN)' };
      return;
    }
    await next();
  });
  router.post('/jobs/:name/run', async (ctx) => {
    const job = deps.jobs.find((j) => j.name === ctx.params.name);
    if (!job) {
      ctx.status = 404;
      ctx.body = { error: `unknown job ${ctx.params.name}`, jobs: deps.jobs.map((j) => j.name) };
      return;
    }
    const request = await readRunRequest(ctx.req, deps.clock());
    if ('error' in request) {
      ctx.status = 400;
      ctx.body = { error: request.error };
      return;
    }
    if (request.dryRun) {
      const { report, messages } = await dryRunJob(job, request.at, deps.jobDeps);
      ctx.body = { ...report, dryRun: true, messages };
      return;
    }
    const report = await job.run(request.at, deps.jobDeps);
    deps.onRan?.();
    ctx.body = report;
  });
  router.get('/export/:file', async (ctx) => {
    const kind = ctx.params.file === 'problems.xlsx' ? 'problems' : ctx.params.file === 'study.xlsx' ? 'study' : undefined;
    if (!kind) {
      ctx.status = 404;
      ctx.body = { error: 'problems.xlsx or study.xlsx' };
      return;
    }
    const today = toLocalDate(deps.clock());
    const branchName = typeof ctx.query.branch === 'string' ? ctx.query.branch : undefined;
    const period = parsePeriodWord(typeof ctx.query.period === 'string' ? ctx.query.period : '本年', today);
    let candidates: string[] = [];
    const file = await deps.jobDeps.store.view(async (tx) => {
      const found = branchName ? await lookupBranch(tx, branchName) : undefined;
      if (Array.isArray(found)) candidates = found.map((x) => x.name);
      const branch = Array.isArray(found) ? undefined : found;
      if (branchName && !branch) return undefined;
      const scope = { branchId: branch?.id, scopeLabel: branch?.name ?? '全部' };
      return kind === 'problems' ? exportProblems(tx, { ...scope, today }) : period ? exportStudy(tx, { ...scope, period, today }) : undefined;
    });
    if (!file) {
      ctx.status = 400;
      ctx.body = candidates.length > 1 ? { error: `ambiguous branch: ${candidates.join('、')}`, candidates } : { error: 'unknown branch or period (period: 本年, 2026年, 11月, 本季度 …)' };
      return;
    }
    ctx.attachment(file.fileName);
    ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.body = file.bytes;
  });
  return router;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
