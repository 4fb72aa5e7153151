import { holidayNotice } from './holiday-notice.js';
import { monthlyBulletin } from './monthly-bulletin.js';
import { orgLifeReminders } from './org-life-reminders.js';
import { quotaReminders } from './quota-reminders.js';
import { reminders } from './reminders.js';
import type { Job } from './types.js';
import { weeklyDigest } from './weekly-digest.js';

/** Every scheduled job by name; the scheduler, the admin API and the sandbox all read this list. */
export const JOBS: readonly Job[] = [reminders, quotaReminders, orgLifeReminders, weeklyDigest, monthlyBulletin, holidayNotice];
