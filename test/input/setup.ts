import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { Harness, type Person } from '../support/harness.js';

/** Shanghai wall-clock time for the fake clock. */
export const at = (local: string) => new Date(`${local}+08:00`);

export interface Bureau {
  h: Harness;
  clock: { now: Date };
  admin: Person;
  chat: string;
  leaders: string;
  sec: Person;
  zhang: Person;
  li: Person;
  leader: Person;
}

/** A bound 第一支部 chat (secretary 王书记, members 张三 李四), a leadership chat and leader 赵局长; Monday 2026-11-23 10:00. */
export async function bureau(start = '2026-11-23T10:00:00'): Promise<Bureau> {
  const clock = { now: at(start) };
  const h = await Harness.start({ clock: () => clock.now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const sec = h.person('王书记');
  const zhang = h.person('张三');
  const li = h.person('李四');
  const leader = h.person('赵局长');
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  const leaders = h.newChat();
  await h.say(admin, leaders, '/绑定 领导班子');
  return { h, clock, admin, chat, leaders, sec, zhang, li, leader };
}

export const toChat = (chatId: string) => (m: SentMessage) => m.kind === 'create' && m.receiveIdType === 'chat_id' && m.receiveId === chatId;
