import { afterEach, describe, expect, it } from 'vitest';
import { Harness, type Person } from '../support/harness.js';

// Issue 12 §2: a branch is found by its short name wherever a branch is named; a word several branches contain is refused.
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function bureau() {
  h = await Harness.start({ clock: () => new Date('2026-11-23T10:00:00+08:00'), adminToken: 'tok' });
  const admin = await h.makeAdmin('王主任');
  const data = h.newChat();
  const office1 = h.newChat();
  const office2 = h.newChat();
  await h.say(admin, data, '/绑定 数据资源科党支部');
  await h.say(admin, office1, '/绑定 办公室第一党支部');
  await h.say(admin, office2, '/绑定 办公室第二党支部');
  const [zhang, leader] = ['张三', '赵局长'].map((n) => h!.person(n)) as [Person, Person];
  await h.say(admin, data, '/任命 @张三 党员');
  await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导', { chatType: 'p2p' });
  await h.say(zhang, data, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
  return { h, admin, zhang, leader, data };
}

describe('short branch names', () => {
  it('/绑定 数据资源科 binds the existing 数据资源科党支部 instead of creating a branch', async () => {
    const { h, admin } = await bureau();
    const reply = await h.say(admin, h.newChat(), '/绑定 数据资源科');
    expect(reply).toMatch(/^已将本群绑定为「数据资源科党支部」支部群。/);
    expect((await h.app.store.read((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['数据资源科党支部', '办公室第一党支部', '办公室第二党支部']);
  });

  it('/导出 问题台账 数据资源科 exports that branch, and so do /成员, /任命, /问题 列表 and the admin export', async () => {
    const { h, admin, leader } = await bureau();
    expect(await h.say(leader, 'oc_p2p_leader', '/导出 问题台账 数据资源科', { chatType: 'p2p' })).toMatch(/^已生成《问题台账-数据资源科党支部-2026-11-23\.xlsx》（1 条记录）/);
    expect(await h.say(leader, 'oc_p2p_leader', '/成员 数据资源科', { chatType: 'p2p' })).toContain('数据资源科党支部');
    expect(await h.say(leader, 'oc_p2p_leader', '/问题 列表 数据资源科', { chatType: 'p2p' })).toContain('P1');
    const li = h.person('李四');
    expect(await h.say(admin, 'oc_p2p_admin', '/任命 @李四 书记 数据资源科', { chatType: 'p2p' })).toContain('数据资源科党支部');
    expect((await h.app.store.read((tx) => tx.getPerson(li.openId)))?.branchId).toBe((await h.app.store.read((tx) => tx.findBranchByName('数据资源科党支部')))!.id);
    const res = await fetch(`${h.app.url}/admin/export/problems.xlsx?branch=${encodeURIComponent('数据资源科')}`, { headers: { authorization: 'Bearer tok' } });
    expect(res.status).toBe(200);
    expect(decodeURIComponent(res.headers.get('content-disposition') ?? '')).toContain('数据资源科党支部');
  });

  it('refuses a short name several branches contain, listing the candidates', async () => {
    const { h, admin, leader } = await bureau();
    const bind = await h.say(admin, h.newChat(), '/绑定 办公室');
    expect(bind).toContain('「办公室」可指多个支部：办公室第一党支部、办公室第二党支部');
    expect((await h.app.store.read((tx) => tx.listBranches())).length).toBe(3);
    expect(await h.say(leader, 'oc_p2p_leader', '/导出 问题台账 办公室', { chatType: 'p2p' })).toContain('办公室第一党支部、办公室第二党支部');
    const res = await fetch(`${h.app.url}/admin/export/problems.xlsx?branch=${encodeURIComponent('办公室')}`, { headers: { authorization: 'Bearer tok' } });
    expect(res.status).toBe(400);
    expect((await res.json()).candidates).toEqual(['办公室第一党支部', '办公室第二党支部']);
  });
});
