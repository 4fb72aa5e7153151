/** A queue of holders, one at a time: the returned function waits its turn and resolves to the release. */
export function createSerialLock(): () => Promise<() => void> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const prev = tail;
    tail = prev.then(() => held);
    return prev.then(() => release);
  };
}
