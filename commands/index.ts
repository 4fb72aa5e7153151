import { bind } from './org/bind.js';
import { close } from './ledger/close.js';
import { done } from './ledger/done.js';
import { edit } from './ledger/edit.js';
import { evidence } from './ledger/evidence.js';
import { accept } from './ledger/task-accept.js';
import { cancelTask } from './ledger/task-cancel.js';
import { returnReport } from './ledger/task-return.js';
import { due } from './ledger/due.js';
import { exportLedger } from './reports/export.js';
import { extend } from './ledger/extend.js';
import { help } from './org/help.js';
import { holiday } from './org/holiday.js';
import { lecture } from './study/lecture.js';
import { leave } from './org/leave.js';
import { link } from './org/link.js';
import { me } from './study/me.js';
import { makeup } from './org/meetings/makeup.js';
import { measure } from './ledger/measure.js';
import { meeting } from './org/meetings/meeting.js';
import { members } from './org/members.js';
import { orgLife } from './org/meetings/org-life.js';
import { problem } from './ledger/problem.js';
import { progress } from './ledger/progress.js';
import { quota } from './study/quota.js';
import { reminderSettings } from './org/reminder-settings.js';
import { research } from './study/research.js';
import { review } from './ledger/review.js';
import { role } from './org/role.js';
import { study } from './study/study.js';
import { summary } from './reports/summary.js';
import { task } from './ledger/task.js';
import { bounded } from './shared/limits.js';
import type { Command } from './types.js';
import { voidProblem } from './ledger/void-problem.js';
import { voidRecord } from './study/void.js';
import { volunteer } from './study/volunteer.js';

/** Every chat command, in the order /帮助 lists them; none reads a message longer than `LIMITS.message`. */
export const COMMANDS: readonly Command[] = [help, study, volunteer, lecture, research, meeting, makeup, orgLife, voidRecord, problem, measure, progress, edit, evidence, close, extend, review, task, done, accept, returnReport, cancelTask, due, voidProblem, me, summary, exportLedger, quota, reminderSettings, holiday, bind, role, members, link, leave].map(
  withMessageLimit,
);

// One bound for every command, before any parsing: fields have their own, smaller limits.
function withMessageLimit(c: Command): Command {
  return {
    ...c,
    async run(ctx) {
      bounded('message', ctx.args);
      await c.run(ctx);
    },
  };
}

/** Checks the list at start-up: names without slashes, and no name or alias used twice. */
export function checkCommands(list: readonly Command[]): void {
  const seen = new Map<string, string>();
  for (const c of list) {
    for (const w of [c.name, ...c.aliases]) {
      if (w.startsWith('/')) throw new Error(`command word "${w}" must not start with a slash`);
      if (w !== w.toLowerCase() && /[a-z]/i.test(w)) throw new Error(`alias "${w}" must be lower case`);
      const other = seen.get(w);
      if (other) throw new Error(`command word "${w}" is used by both /${other} and /${c.name}`);
      seen.set(w, c.name);
    }
    if (c.examples.length === 0) throw new Error(`/${c.name} needs at least one example`);
  }
}
