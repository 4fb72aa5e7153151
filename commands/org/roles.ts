import { ROLE_NAMES, type Role } from '../../storage/records.js';
import type { Command } from '../types.js';
import { lookup } from '../shared/lookup.js';

/** Whether `role` may run `cmd` (admins may run everything). */
export function mayRun(cmd: Pick<Command, 'roles'>, role: Role): boolean {
  return role === 'admin' || cmd.roles.includes(role);
}

/** `管理员、书记` — who may run a command, for refusals. */
export function whoMay(roles: readonly Role[]): string {
  const all: Role[] = roles.includes('admin') ? [...roles] : ['admin', ...roles];
  return all.map((r) => ROLE_NAMES[r]).join('、');
}

/** Parses a role as written in Chinese or English. */
export function parseRole(word: string): Role | undefined {
  const table: Record<string, Role> = {
    党员: 'member', 成员: 'member', member: 'member',
    书记: 'secretary', 支部书记: 'secretary', secretary: 'secretary',
    领导: 'leader', 局领导: 'leader', leader: 'leader',
    管理员: 'admin', admin: 'admin',
  };
  return lookup(table, word.trim().toLowerCase());
}

export const ALL_ROLES = ['member', 'secretary', 'leader', 'admin'] as const satisfies readonly Role[];
