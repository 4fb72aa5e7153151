import { bind } from './bind.js';
import { close } from './close.js';
import { done } from './done.js';
import { due } from './due.js';
import { exportLedger } from './export.js';
import { extend } from './extend.js';
import { help } from './help.js';
import { lecture } from './lecture.js';
import { me } from './me.js';
import { measure } from './measure.js';
import { members } from './members.js';
import { problem } from './problem.js';
import { progress } from './progress.js';
import { quota } from './quota.js';
import { reminderSettings } from './reminder-settings.js';
import { research } from './research.js';
import { review } from './review.js';
import { role } from './role.js';
import { study } from './study.js';
import { summary } from './summary.js';
import { task } from './task.js';
import { bounded } from './limits.js';
import type { Command } from './types.js';
import { voidProblem } from './void-problem.js';
import { voidRecord } from './void.js';
import { volunteer } from './volunteer.js';

/** Every chat command, in the order /帮助 lists them; none reads a message longer than `LIMITS.message`. */
export const COMMANDS: readonly Command[] = [help, study, volunteer, lecture, research, voidRecord, problem, measure, progress, close, extend, review, task, done, due, voidProblem, me, summary, exportLedger, quota, reminderSettings, bind, role, members].map(
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
