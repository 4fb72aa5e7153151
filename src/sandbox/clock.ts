/** The sandbox's movable clock: the bot's time is the real (or injected) time plus an offset a visitor can set. */
export interface SandboxClock {
  now(): Date;
  /** Moves the bot's time to `at`; it keeps running from there. */
  set(at: Date): void;
  /** Back to the underlying time. */
  reset(): void;
  /** Milliseconds the bot's time is ahead of the underlying time (negative when behind). */
  offset(): number;
}

/** Wraps `base` so the sandbox page can run jobs "as of" another moment and have their messages arrive. */
export function createSandboxClock(base: () => Date): SandboxClock {
  let offset = 0;
  return {
    now: () => new Date(base().getTime() + offset),
    set(at) {
      offset = at.getTime() - base().getTime();
    },
    reset() {
      offset = 0;
    },
    offset: () => offset,
  };
}
