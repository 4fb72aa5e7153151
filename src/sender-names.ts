import type { Store } from '../storage/store.js';
import type { Logger } from './logger.js';
import type { Directory } from './router.js';

/** The sender-name lookups of a router: quick answers used at once, late ones saved afterwards, all awaited on stop. */
export function createSenderNames(deps: { directory: Directory; store: Store; logger: Logger; clock: () => Date }) {
  const filling = new Set<Promise<void>>();
  let stopped = false;
  const clock = deps.clock;

  /**
   * Looks up the sender's name, waiting at most `waitMs`; a slower answer is saved by a later transaction of its own,
   * so the command runs with the name already stored (from a mention) or the open_id placeholder.
   */
  async function lookup(openId: string, waitMs: number): Promise<string | undefined> {
    const asked = deps.directory.displayName(openId).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol('late');
    const quick = waitMs > 0 ? await Promise.race([asked, new Promise<typeof late>((r) => (timer = setTimeout(r, waitMs, late)))]) : late;
    clearTimeout(timer);
    if (quick !== late) return quick;
    void asked.then((name) => {
      if (!name || stopped) return;
      const saving = deps.store
        .transact(async (tx) => {
          const p = await tx.getPerson(openId);
          if (p?.nameSource === 'contact' && p.name === name) return;
          await tx.savePerson({ id: openId, name, nameSource: 'contact' }, { by: openId, at: clock().toISOString() });
        })
        .catch((err) => deps.logger.warn({ err, openId }, 'could not save a looked-up name'))
        .finally(() => filling.delete(saving));
      filling.add(saving);
    });
    return undefined;
  }

  return {
    lookup,
    /** Stops saving names that arrive from now on and waits for those being saved. */
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all([...filling]);
    },
  };
}
