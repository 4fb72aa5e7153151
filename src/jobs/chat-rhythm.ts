import type { LocalDate } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { DAILY_POSTS } from '../../commands/org/reminder-settings.js';
import type { Tx } from '../../storage/store.js';
import { weeklyDigest } from './weekly-digest.js';

/**
 * Whether today's deadline reminders may be posted as a card in this chat, or go to each owner privately instead:
 * a branch chat hears at most one scheduled message a working day (the weekly digest, which lists what is due and
 * overdue, on its day), and none but the digest when the branch chose 每周. Other chats (a task's, unbound) always may.
 */
export async function remindersInChat(tx: Tx, chatId: string, today: LocalDate, cal: Calendar): Promise<{ inChat: true } | { inChat: false; reason: string }> {
  const binding = await tx.getChat(chatId);
  if (binding?.kind !== 'branch' || !binding.branchId) return { inChat: true };
  if (!(await tx.isEnabled(binding.branchId, DAILY_POSTS))) return { inChat: false, reason: '支部设为每周只收周报：截止提醒改为私信负责人' };
  if (weeklyDigest.runsOn(today, cal) && (await tx.isEnabled(binding.branchId, 'weekly-digest'))) {
    return { inChat: false, reason: '今天群里发周报（已列出到期和逾期事项）：截止提醒改为私信负责人' };
  }
  return { inChat: true };
}
