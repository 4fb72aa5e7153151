import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.js';
import type { Directory } from '../router.js';

const MISS_MEMORY_MS = 3_600_000;

/**
 * Display names from the contact API (failures remembered for an hour; one request per person at a time, however
 * many events ask) and the bot's own open_id. A lookup can take as long as the HTTP timeout: callers bound their wait.
 */
export function createDirectory(client: lark.Client, logger: Logger): Directory & { loadBotInfo(): Promise<void> } {
  const misses = new Map<string, number>();
  const asking = new Map<string, Promise<string | undefined>>();
  let bot: string | undefined;
  let warned = false;

  async function lookUp(openId: string): Promise<string | undefined> {
    try {
      const res = await client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } });
      const name = res.code === 0 ? res.data?.user?.name : undefined;
      if (name) return name;
      misses.set(openId, performance.now());
    } catch (err) {
      misses.set(openId, performance.now());
      if (!warned) {
        warned = true;
        logger.warn({ code: (err as { response?: { data?: { code?: number } } }).response?.data?.code }, 'contact API unavailable (add the contact:user.base:readonly scope for real names); using names from mentions');
      }
    }
    return undefined;
  }

  return {
    displayName(openId) {
      const missedAt = misses.get(openId);
      if (missedAt !== undefined && performance.now() - missedAt < MISS_MEMORY_MS) return Promise.resolve(undefined);
      let pending = asking.get(openId);
      if (!pending) {
        pending = lookUp(openId).finally(() => asking.delete(openId));
        asking.set(openId, pending);
      }
      return pending;
    },
    botOpenId: () => bot,
    async loadBotInfo() {
      try {
        const res = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code?: number; bot?: { open_id?: string } };
        if (res.code === 0 && res.bot?.open_id) bot = res.bot.open_id;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'could not read the bot info; a leading mention will be taken as the bot');
      }
    },
  };
}
