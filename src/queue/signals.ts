// One 'abort' listener per signal, however many blocked calls share it. A listener per call
// made a worker pool's shared shutdown signal print Node's MaxListenersExceededWarning at
// eleven blocked calls, and Node's EventTarget adds and removes listeners in time linear in
// their number: 16,000 calls blocked on one signal took seconds to block and seconds more to
// abort (found in a review of the library; issue #13's O(1) per operation).

import type { AbortSignalLike } from './waiters';

/** A blocked call's part in a watch: its handler, run on abort while it is watched (until it settles). */
export interface AbortWatcher {
  onAbort: (() => void) | undefined;
}

interface Watch {
  readonly watchers: Set<AbortWatcher>;
  readonly fire: () => void;
}

const watches = new WeakMap<AbortSignalLike, Watch>();

/** Call `w.onAbort` when `signal` aborts, until unwatch(). */
export function watch(signal: AbortSignalLike, w: AbortWatcher): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const watchers = new Set<AbortWatcher>();
    const fire = (): void => {
      watches.delete(signal);
      // Each handler unwatches its own call; a copy, so the loop sees every call blocked at the abort.
      for (const x of [...watchers]) x.onAbort?.();
      watchers.clear();
    };
    watch = { watchers, fire };
    watches.set(signal, watch);
    signal.addEventListener('abort', fire, { once: true });
  }
  watch.watchers.add(w);
}

/** Stop watching for `w` (settled); the signal loses its listener with its last call. */
export function unwatch(signal: AbortSignalLike, w: AbortWatcher): void {
  const watch = watches.get(signal);
  if (watch === undefined || !watch.watchers.delete(w) || watch.watchers.size > 0) return;
  watches.delete(signal);
  signal.removeEventListener('abort', watch.fire);
}
