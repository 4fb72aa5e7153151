import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../storage/lowdb/collections.js';
import { challenge, newEventId, post, toRequest } from '../support/feishu-wire.js';
import { Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function setup() {
  h = await Harness.start({ admins: [], adminToken: 'admintoken' });
  const admin = h.person('王主任');
  // Bootstrap admins come from the environment: restart with this admin configured.
  h.opts.admins = [admin.openId];
  await h.restart();
  return { admin, chat: h.newChat() };
}

describe('core: events in, replies out', () => {
  it('answers the url_verification challenge, encrypted or plain, and refuses a wrong token', async () => {
    h = await Harness.start();
    const enc = await h.deliver(challenge(h.keys, 'ch-123'), { unsigned: true });
    expect(enc).toMatchObject({ status: 200, json: { challenge: 'ch-123' } });
    const plain = await h.deliver(challenge(h.keys, 'ch-456'), { encrypt: false, unsigned: true });
    expect(plain).toMatchObject({ status: 200, json: { challenge: 'ch-456' } });
    const wrong = await h.deliver({ challenge: 'x', token: 'WRONG', type: 'url_verification' }, { unsigned: true });
    expect(wrong.status).toBe(401);
  });

  it('runs a scripted branch set-up: bind, register members, help, roles, refusals', async () => {
    const { admin, chat } = await setup();
    const zhang = h.person('张三');
    const li = h.person('李四');

    // A member may not bind; nothing changes.
    const refused = await h.say(zhang, chat, '/绑定 第一支部');
    expect(refused).toContain('只有管理员、书记可以使用');
    expect(await h.app.store.read((tx) => tx.listBranches())).toEqual([]);

    const bound = await h.say(admin, chat, '/绑定 第一支部');
    expect(bound).toContain('已将本群绑定为「第一支部」支部群（新建支部）');

    // Speaking in the bound chat registers people with their contact names.
    await h.say(li, chat, '/帮助');
    const roster = await h.say(zhang, chat, '/成员');
    expect(roster).toContain('「第一支部」成员');
    expect(roster).toContain('张三');
    expect(roster).toContain('李四');

    const appointed = await h.say(admin, chat, '/任命 @张三 书记');
    expect(appointed).toBe('已任命 张三 为「第一支部」书记（原：党员）。');
    const p = await h.app.store.read((tx) => tx.getPerson(zhang.openId));
    expect(p).toMatchObject({ role: 'secretary', name: '张三', nameSource: 'contact' });

    // Help lists what the caller's role may use, one example each.
    const memberHelp = await h.say(li, chat, '/帮助');
    expect(memberHelp).toContain('你的角色：党员');
    expect(memberHelp).not.toContain('/绑定');
    expect(memberHelp).toContain('/成员 — 查看支部成员和角色。例：/成员');
    const adminHelp = await h.say(admin, chat, '/help');
    expect(adminHelp).toContain('/任命');
    const one = await h.say(li, chat, '/帮助 任命');
    expect(one).toContain('用法：/任命 @某人 书记|领导|管理员|党员 [支部名]');
    expect(one).toContain('不能使用此命令');

    // Secretary can rebind their own branch but not another one.
    const other = await h.say(zhang, h.newChat(), '/绑定 第二支部');
    expect(other).toContain('书记只能绑定自己所在的支部');
    expect((await h.app.store.read((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['第一支部']);

    // Audit keeps who changed roles.
    const audit = await h.app.store.read((tx) => tx.listAudit(`person:${zhang.openId}`));
    expect(audit).toMatchObject([{ by: admin.openId, action: 'role', from: 'member', to: 'secretary' }]);
  });

  it('answers without a slash after the bot mention, and in a private chat', async () => {
    const { admin, chat } = await setup();
    expect(await h.say(admin, chat, '绑定 第一支部')).toContain('已将本群绑定');
    const dm = await h.say(h.person('李四'), 'oc_p2p_li', '帮助', { chatType: 'p2p' });
    expect(dm).toContain('督办可用命令');
    const bindInDm = await h.say(admin, 'oc_p2p_admin', '/绑定 第二支部', { chatType: 'p2p' });
    expect(bindInDm).toContain('绑定只能在群聊里进行');
  });

  it('answers an unknown command and malformed arguments in Chinese with the right form', async () => {
    const { admin, chat } = await setup();
    expect(await h.say(admin, chat, '/打卡')).toBe('没有「打卡」这个命令。发送 /帮助 查看你可以使用的命令。');
    const bad = await h.say(admin, chat, '/任命 张三 书记');
    expect(bad).toContain('被任命人需要 @ 一位同事');
    expect(bad).toContain('正确格式：/任命 @某人 书记|领导|管理员|党员 [支部名]');
    const badRole = await h.say(admin, chat, `/任命 @${h.person('张三').name} 主席`);
    expect(badRole).toContain('不认识的角色「主席」');
    expect(await h.app.store.read((tx) => tx.getPerson(h.person('张三').openId))).toMatchObject({ role: 'member' });
  });

  it('processes a redelivered event once, by event id and by message id', async () => {
    const { admin, chat } = await setup();
    const ev = h.event(admin, chat, '/绑定 第一支部');
    const results = await Promise.all([h.deliver(ev.body), h.deliver(ev.body), h.deliver(ev.body)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    // Same message, new event id (Feishu has been seen doing this).
    const again = h.event(admin, chat, '/绑定 第一支部', { messageId: ev.messageId });
    expect((await h.deliver(again.body)).status).toBe(200);
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === ev.messageId)).toHaveLength(1);
    expect(await h.app.store.read((tx) => tx.listAudit())).toHaveLength(1);
  });

  it('rejects forged, stale, unsigned and malformed requests with 4xx and no effect', async () => {
    const { admin, chat } = await setup();
    const body = h.event(admin, chat, '/绑定 第一支部').body;
    const forged = await h.deliver(body, { forgeSignature: true });
    const stale = await h.deliver(body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const unsigned = await h.deliver(body, { unsigned: true });
    const plaintext = await h.deliver(body, { encrypt: false });
    const wrongKey = await post(h.app.url + '/webhook/event', toRequest({ ...h.keys, encryptKey: 'not-the-key' }, body));
    const badJson = await post(h.app.url + '/webhook/event', { headers: { 'content-type': 'application/json' }, body: '{"encrypt": ' });
    const wrongToken = await h.deliver({ ...body, header: { ...(body as { header: object }).header, token: 'WRONG' } });
    expect([forged, stale, unsigned, plaintext, wrongKey, wrongToken].map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(badJson.status).toBe(401); // unsigned: refused before any parsing (no oracle)
    await h.app.settle();
    expect(h.platform.sent).toHaveLength(0);
    expect(await h.app.store.read((tx) => tx.listBranches())).toEqual([]);
    expect(await h.app.store.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 0 });
    // The real one still works afterwards.
    expect((await h.deliver(body)).status).toBe(200);
  });

  it('refuses a body over 1 MB with 413', async () => {
    h = await Harness.start();
    const res = await post(h.app.url + '/webhook/event', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: 'a'.repeat(1_100_000) }) });
    expect(res.status).toBe(413);
  });

  it('keeps everything across a restart on the same data file, and dedupes across it', async () => {
    const { admin, chat } = await setup();
    const ev = h.event(admin, chat, '/绑定 第一支部');
    await h.deliver(ev.body);
    await h.app.settle();
    await h.restart();
    expect((await h.deliver(ev.body)).status).toBe(200);
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === ev.messageId)).toHaveLength(1);
    expect(await h.say(h.person('李四'), chat, '/成员')).toContain('「第一支部」成员 1 人');
  });

  it('falls back to names from mentions when the app lacks the contact scope', async () => {
    h = await Harness.start({ contactScope: false });
    const admin = h.person('王主任');
    h.opts.admins = [admin.openId];
    await h.restart();
    h.platform.setContactScope(false);
    const chat = h.newChat();
    await h.say(admin, chat, '/绑定 第一支部');
    const zhang = h.person('张三');
    expect(await h.say(admin, chat, '/任命 @张三 党员')).toContain('已任命 张三');
    const p = await h.app.store.read((tx) => tx.getPerson(zhang.openId));
    expect(p).toMatchObject({ name: '张三', nameSource: 'mention', branchId: 'B1' });
    const me = await h.app.store.read((tx) => tx.getPerson(admin.openId));
    expect(me?.name).toMatch(/^用户/);
  });

  it('serves /healthz and protects the admin API', async () => {
    h = await Harness.start({ adminToken: 'admintoken' });
    const health = await fetch(h.app.url + '/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, mode: 'feishu', store: { kind: 'lowdb', schemaVersion: MIGRATIONS.length } });
    const noAuth = await fetch(h.app.url + '/admin/jobs/weekly-digest/run', { method: 'POST' });
    expect(noAuth.status).toBe(401);
    const unknown = await fetch(h.app.url + '/admin/jobs/no-such-job/run', { method: 'POST', headers: { authorization: 'Bearer admintoken' } });
    expect(unknown.status).toBe(404);
  });

  it('does not run an event whose id is new but the request was replayed with a new signature', async () => {
    const { admin, chat } = await setup();
    const ev = h.event(admin, chat, '/绑定 第一支部', { eventId: newEventId() });
    await h.deliver(ev.body, { nonce: '111' });
    await h.deliver(ev.body, { nonce: '222' });
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === ev.messageId)).toHaveLength(1);
  });
});
