import { mentionsIn, withoutMentions } from '../../shared/fields.js';
import { UserError, type Mention } from '../../types.js';

/** Who was expected, present, on leave (with reasons) and absent at one meeting, by person id. */
export interface Attendance {
  expected: string[];
  present: string[];
  leave: { personId: string; reason?: string; auto?: boolean }[];
  absent: string[];
}

/** What the fields said, as people: `全体` or a list for 实到, reasons for 请假. */
export interface AttendanceInput {
  /** 应到: the roster (the branch's, the leadership's, or the one written as 应到:@…). */
  roster: readonly string[];
  present: 'all' | readonly string[];
  leave: readonly { personId: string; reason?: string }[];
  absent: readonly string[];
  host: string;
  /** People the leave register has away that day, with the reason. */
  away: ReadonlyMap<string, string | undefined>;
}

/**
 * 实到 is `全体` (the roster minus 请假 and 缺席) or the people listed; someone on the roster in no list is 缺席,
 * someone the leave register has away that day and not listed as present is 请假, and the 主持人 is always present.
 */
export function resolveAttendance(a: AttendanceInput, nameOf: (id: string) => string): Attendance {
  const named = [...(a.present === 'all' ? [] : a.present), ...a.leave.map((l) => l.personId), ...a.absent];
  const twice = named.filter((id, i) => named.indexOf(id) !== i);
  if (twice.length > 0) throw new UserError(`${nameOf(twice[0]!)} 在 实到、请假、缺席 中出现了两次：每人只能在其中一处。`);
  if (a.leave.some((l) => l.personId === a.host) || a.absent.includes(a.host)) throw new UserError(`主持人 ${nameOf(a.host)} 不能同时是请假或缺席。`);
  // Whoever is named belongs on the roster (the caller refuses names outside a branch's); a visiting host does not.
  const expected = [...new Set(a.roster)];
  for (const id of named) if (!expected.includes(id)) expected.push(id);
  const leave: Attendance['leave'] = [...a.leave];
  const absent = [...a.absent];
  const listedPresent = a.present === 'all' ? undefined : new Set(a.present);
  for (const id of expected) {
    if (id === a.host || listedPresent?.has(id) || leave.some((l) => l.personId === id) || absent.includes(id)) continue;
    if (a.away.has(id)) leave.push({ personId: id, ...(a.away.get(id) ? { reason: a.away.get(id) } : {}), auto: true });
    else if (listedPresent) absent.push(id);
  }
  const out = new Set([...leave.map((l) => l.personId), ...absent]);
  const present = expected.filter((id) => id === a.host || (listedPresent ? listedPresent.has(id) : !out.has(id)));
  return { expected, present, leave, absent };
}

/** `@李四(出差) @赵六（病假）` or `@李四 出差`: each mention with the words after it as the reason. */
export function readLeave(field: string, mentions: readonly Mention[]): { mention: Mention; reason?: string }[] {
  const found = mentionsIn(field, mentions);
  if (found.length === 0) throw new UserError('请假：请用 @ 选择请假的同志，原因写在括号里，如 请假:@李四(出差)。');
  const at = found.map((m) => field.indexOf(`@${m.name}`));
  return found.map((m, i) => {
    const tail = field.slice(at[i]! + m.name.length + 1, i + 1 < found.length ? at[i + 1] : field.length);
    const reason = tail.replace(/^[\s(（]+|[\s)）、,，;；]+$/g, '').replace(/[()（）]/g, '').trim();
    return { mention: m, ...(reason ? { reason } : {}) };
  });
}

/** The mentions of a list field, refusing words that are not @-mentions. */
export function readMentions(field: string, mentions: readonly Mention[], name: string): Mention[] {
  const found = mentionsIn(field, mentions);
  const leftover = withoutMentions(field, found).replace(/[、,，;；]/g, ' ').trim();
  if (found.length === 0 || leftover) {
    throw new UserError(`${name}：${leftover ? `「${leftover}」不是 @ 提及；` : ''}请在飞书里输入 @ 选择同志，如 ${name}:@张三 @李四${name === '实到' ? '，或写 实到:全体' : ''}。`);
  }
  return found;
}
