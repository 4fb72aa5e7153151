import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

const TOKEN = 'admin-token-for-tests';
// Monday 23 November 2026, 09:00 in Shanghai: a working day, when the weekly digest is due.
const offset = Date.parse('2026-11-23T09:00:00+08:00') - Date.now();
const clock = () => new Date(Date.now() + offset);

describe('admin API edges', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function boundBranch() {
    const bot = (h = await Harness.start({ adminToken: TOKEN, clock, admins: [] }));
    const admin = await bot.makeAdmin('王主任');
    await bot.say(admin, bot.newChat(), '/绑定 第一支部');
    await bot.app.settle();
    return bot;
  }
  const run = (bot: Harness, job: string, body: string | undefined) =>
    fetch(`${bot.app.url}/admin/jobs/${job}/run`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
  const queued = (bot: Harness) => bot.app.store.read((tx) => tx.listOutbound({ source: 'weekly-digest' }));

  it('refuses a malformed, oversized, unknown-field or extreme request with 400 and runs nothing', async () => {
    const bot = await boundBranch();
    const bodies = [
      'not json',
      '{"at": ',
      '[1,2]',
      JSON.stringify({ at: '2026-11-23T09:00:00+08:00', pad: 'x'.repeat(70 * 1024) }),
      JSON.stringify({ dryrun: true }),
      JSON.stringify({ at: 20261123 }),
      JSON.stringify({ at: '+275760-09-13T00:00:00.000Z' }),
      JSON.stringify({ at: '9999-12-31T00:00:00Z' }),
      JSON.stringify({ at: '0001-01-01T00:00:00Z' }),
      JSON.stringify({ at: '1' }),
      JSON.stringify({ at: '2026-11-23 09:00' }),
      JSON.stringify({ at: '2026-11-30T09:00:00+08:00' }),
      JSON.stringify({ at: '2026-11-23T09:00:00+08:00', dryRun: 'yes' }),
    ];
    for (const body of bodies) {
      const res = await run(bot, 'weekly-digest', body);
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    await bot.app.settle();
    expect(await queued(bot)).toEqual([]);
    expect(bot.texts((m) => m.kind === 'create')).toEqual([]);
  });

  it('shows with dryRun the cards a run would send, queuing and marking nothing', async () => {
    const bot = await boundBranch();
    const future = await run(bot, 'weekly-digest', JSON.stringify({ at: '2026-11-30T09:00:00+08:00', dryRun: true }));
    expect(future.status).toBe(200);
    const preview = (await future.json()) as { dryRun: boolean; sent: unknown[]; messages: { to: { kind: string }; content: { type: string; card: unknown } }[] };
    expect(preview.dryRun).toBe(true);
    expect(preview.messages).toHaveLength(1);
    expect(preview.messages[0]).toMatchObject({ to: { kind: 'chat' }, content: { type: 'card' } });
    expect(JSON.stringify(preview.messages[0]!.content.card)).toContain('第一支部 周报');

    // A dry run now, then the real run now: the real one still sends, so the dry run marked nothing as sent.
    const today = (await (await run(bot, 'weekly-digest', JSON.stringify({ dryRun: true }))).json()) as { messages: unknown[] };
    expect(today.messages).toHaveLength(1);
    await bot.app.settle();
    expect(await queued(bot)).toEqual([]);
    expect(bot.platform.sent.filter((m) => m.kind === 'create')).toEqual([]);

    const real = (await (await run(bot, 'weekly-digest', undefined)).json()) as { sent: unknown[] };
    expect(real.sent).toHaveLength(1);
    await bot.app.settle();
    expect(await queued(bot)).toHaveLength(1);
    expect(bot.texts((m) => m.kind === 'create').join()).toContain('第一支部 周报');
  });

  it('shows no file path on /healthz', async () => {
    const bot = (h = await Harness.start({ dataFile: undefined }));
    const res = await fetch(`${bot.app.url}/healthz`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(bot.opts.dataFile);
    expect(text).not.toMatch(/duban\.json|\/tmp\/|"file"/);
    expect(JSON.parse(text)).toMatchObject({ ok: true, store: { ok: true, kind: 'lowdb' } });
  });
});
