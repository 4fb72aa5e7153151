import type { Role } from '../../storage/records.js';

/** A person in the sandbox bureau. */
export interface SandboxPerson {
  openId: string;
  name: string;
  role: Role;
  branch?: string;
}

/** A chat in the sandbox bureau; `p2p` chats are each person's private chat with the bot. */
export interface SandboxChat {
  id: string;
  name: string;
  kind: 'branch' | 'leadership' | 'p2p';
  branch?: string;
}

/** A small bureau so a visitor can try every command at once; the full demo comes from `npm run demo`. */
export const SANDBOX_PEOPLE: readonly SandboxPerson[] = [
  { openId: 'ou_sandbox_wang_zhuren', name: '王主任', role: 'admin' },
  { openId: 'ou_sandbox_li_juzhang', name: '李局长', role: 'leader' },
  { openId: 'ou_sandbox_zhao_shuji', name: '赵书记', role: 'secretary', branch: '第一支部' },
  { openId: 'ou_sandbox_zhang_san', name: '张三', role: 'member', branch: '第一支部' },
  { openId: 'ou_sandbox_li_si', name: '李四', role: 'member', branch: '第一支部' },
  { openId: 'ou_sandbox_wang_wu', name: '王五', role: 'member', branch: '第一支部' },
  { openId: 'ou_sandbox_qian_shuji', name: '钱书记', role: 'secretary', branch: '第二支部' },
  { openId: 'ou_sandbox_sun_liu', name: '孙六', role: 'member', branch: '第二支部' },
  { openId: 'ou_sandbox_zhou_qi', name: '周七', role: 'member', branch: '第二支部' },
];

export const SANDBOX_CHATS: readonly SandboxChat[] = [
  { id: 'oc_sandbox_branch_1', name: '第一支部群', kind: 'branch', branch: '第一支部' },
  { id: 'oc_sandbox_branch_2', name: '第二支部群', kind: 'branch', branch: '第二支部' },
  { id: 'oc_sandbox_leadership', name: '领导班子群', kind: 'leadership' },
];
