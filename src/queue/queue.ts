// Queue: an async FIFO queue with the semantics of Python's asyncio.Queue.
//
// All policy (waiters, counters, shutdown, tracing) lives here once; LifoQueue and
// PriorityQueue only swap the storage through the `_init/_put/_get/_size/_peek` hooks,
// as CPython's asyncio/queues.py does. The non-blocking calls are the primitives; a
// blocking call only creates a promise, timer or abort listener when it must wait.
//
// Longer than 400 lines on purpose: the policy is one state machine (waiters, served and
// cancelled calls, shutdown, the probe), and splitting it would spread one rule over
// several files. Timers (deadlines.ts), delivery (delivery.ts) and storage live apart.

import { QueueEmpty, QueueFull, QueueShutDown, QueueTimeout } from './errors';
import { allocateQueueId, findHub, type ProbeTarget, type QueueKind, type QueueProbe, type WaitOutcome } from './probe';
import { Ring } from './ring';
import { PUT_BACK, QueueIterator, type IterationSource } from './iteration';
import { deadlines } from './deadlines';
import { CLAIM, deliver, resolveNow } from './delivery';
import { startTimer, stopTimer } from './timers';
import { unwatch, watch } from './signals';
import { misspelledError, misspelledOption } from './optionNames';
import { SPARE, takeWaiter, WaiterList, type AbortSignalLike, type WaitHandle, type Waiter, type WaiterOwner } from './waiters';

export interface QueueOptions {
  /** Upper bound on the number of items; 0 (the default) or negative means unbounded; a fraction rounds up (as asyncio's `qsize() >= maxsize`). */
  maxsize?: number | undefined;
  /** Label shown by QueueScope. Default: `queue-<id>`. */
  name?: string | undefined;
}

/**
 * `new Queue(2)` (asyncio's positional maxsize, or p-limit's habit) would otherwise read no
 * option from the number and make an unbounded queue without a word.
 * @internal
 */
export function checkOptions(options: unknown, what: string, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    const hint = typeof options === 'number' ? `{ maxsize: ${options} }` : typeof options === 'function' && what === 'PriorityQueue' ? '{ compare: yourFunction }' : '{ maxsize, name }';
    throw new TypeError(`${what} options must be an object, e.g. new ${what}(${hint}); got ${options === null ? 'null' : typeof options}`);
  }
  const typo = misspelledOption(options, known);
  if (typo !== undefined) throw misspelledError(`new ${what}()`, typo);
}

/** Option names of the constructors, for checkOptions(). @internal */
export const QUEUE_OPTIONS: readonly string[] = ['maxsize', 'name'];
const WAIT_OPTIONS: readonly string[] = ['timeout', 'signal'];
const SHUTDOWN_OPTIONS: readonly string[] = ['immediate'];

export interface WaitOptions {
  /**
   * Give up after this many milliseconds with a `QueueTimeout`. Omitted or Infinity: wait
   * forever; 0 or less: do not wait. Not a number (or NaN): the call rejects with TypeError.
   */
  timeout?: number | undefined;
  /** Give up when this signal aborts, rejecting with `signal.reason` (an `AbortError` if it has none). */
  signal?: AbortSignalLike | null | undefined;
}

export interface ShutdownOptions {
  /** Drop the remaining items and fail every waiting getter too. */
  immediate?: boolean | undefined;
}

const RESOLVED: Promise<void> = Promise.resolve();
/** See Queue.handOffStreak. */
const DEFER_MISSES = 8;
const DIRECT_RUN = 56;
/** Longest direct run: deferring keeps failing, so it is retried once per this many hand-offs. */
const MAX_DIRECT_RUN = 56 * 64;
/** readOptions() found nothing to reject. */
const VALID: unique symbol = Symbol('valid');

export class Queue<T> implements AsyncIterable<T>, IterationSource<T>, ProbeTarget, WaiterOwner {
  readonly id: number;
  /** Read-only at run time too (asyncio's is a property): set it and a strict-mode program gets a TypeError. */
  declare readonly maxsize: number;
  readonly name: string;
  /** Storage discipline; a getter so subclasses can answer before their fields exist. */
  get kind(): QueueKind {
    return 'fifo';
  }

  private readonly getters = new WaiterList<T>();
  private readonly putters = new WaiterList<void>();
  private unfinished = 0;
  private joiners: (() => void)[] = [];
  private shut = false;
  /** Shut down with `immediate`: an item given back later (PUT_BACK) is dropped too. */
  private dropAll = false;
  /** Items given back (PUT_BACK) in this job so far: the next goes behind them. */
  private givenBack = 0;
  /** Installed by an armed tracing hub; null while nobody listens. */
  private probe: QueueProbe | null;
  /**
   * Hand-offs in a row with no item stored or taken between them: the deferred delivery is
   * not letting the other side get ahead, so it only costs a job per item. After
   * DEFER_MISSES of them, the next `directRun` hand-offs resolve directly, then it tries
   * again. Each retry that fails again doubles `directRun` (DIRECT_RUN up to MAX_DIRECT_RUN):
   * a consumer faster than its producer blocks on every item whatever we do, and at a fixed
   * run of 56 one item in eight still paid for a job (issue #13's W6n). An item stored (the
   * producer got ahead: deferring may help again) ends the run and resets it.
   */
  private handOffStreak = 0;
  private directLeft = 0;
  private directRun = DIRECT_RUN;
  /** @internal Part of WaiterOwner: a served waiter kept for this queue's next block. */
  [SPARE]: Waiter<unknown> | null = null;
  /**
   * Items in storage already owed to served getters (see handOffClaim); storage that keeps
   * them (LifoQueue, PriorityQueue) leaves them out of `_size()`, `_peek()` and `_clear()`.
   */
  protected claimed = 0;
  /** Read once from `_claimsOnDelivery` (a field, so the FIFO hand-off pays one load). */
  private readonly claims: boolean;

  constructor(options: QueueOptions = {}) {
    checkOptions(options, new.target.name, QUEUE_OPTIONS);
    const { maxsize = 0, name } = options;
    if (typeof maxsize !== 'number' || Number.isNaN(maxsize)) {
      throw new TypeError(`maxsize must be a number, got ${shown(maxsize)}`);
    }
    if (name !== undefined && typeof name !== 'string') throw new TypeError('name must be a string');
    // asyncio compares `qsize() >= maxsize`, so a fractional bound holds ceil(maxsize) items.
    // Not writable: `q.maxsize = 3` on a full queue left its blocked producer waiting for room
    // that already existed, and `q.maxsize = NaN` made it unbounded past the check above.
    Object.defineProperty(this, 'maxsize', { value: maxsize > 0 && Number.isFinite(maxsize) ? Math.ceil(maxsize) : 0, enumerable: true });
    this._init(this.maxsize);
    this.claims = this._claimsOnDelivery;
    const hub = findHub();
    this.id = allocateQueueId(hub);
    this.name = name ?? `queue-${this.id}`;
    this.probe = null;
    // register() may install the probe through setProbe(); take what it returns too.
    if (hub !== null) this.probe = hub.register(this) ?? this.probe;
  }

  // ---- storage hooks (overridden by LifoQueue and PriorityQueue) ----

  private ring!: Ring<T>;
  protected _init(_maxsize: number): void {
    this.ring = new Ring<T>();
  }
  protected _put(item: T): void {
    this.ring.push(item);
  }
  protected _get(): T {
    return this.ring.shift();
  }
  protected _size(): number {
    return this.ring.length;
  }
  protected _peek(n: number): T[] {
    const out: T[] = [];
    const len = Math.min(n, this.ring.length);
    for (let k = 0; k < len; k++) out.push(this.ring.at(k));
    return out;
  }
  protected _clear(): void {
    this.ring.clear();
  }
  /**
   * Whether a getter served by a put takes the storage's next item when its promise settles
   * (one job later) rather than the item that served it. FIFO: the same item either way.
   * LifoQueue and PriorityQueue answer true and keep `claimed` out of their size.
   */
  protected get _claimsOnDelivery(): boolean {
    return false;
  }

  // ---- state ----

  /** Number of items in the queue. */
  qsize(): number {
    return this._size();
  }

  empty(): boolean {
    return this._size() === 0;
  }

  /** True when bounded and at capacity. Always false for an unbounded queue. */
  full(): boolean {
    return this.maxsize > 0 && this._size() >= this.maxsize;
  }

  get isShutdown(): boolean {
    return this.shut;
  }

  /** Items put and not yet marked done with `taskDone()`. */
  get unfinishedTasks(): number {
    return this.unfinished;
  }

  // ---- non-blocking primitives ----

  /** Add an item now, or throw `QueueFull` / `QueueShutDown`. */
  putNowait(item: T): void {
    if (this.shut) throw new QueueShutDown();
    const getter = this.getters.head;
    if (getter !== null) {
      this.handOff(getter, item);
      return;
    }
    if (this.maxsize > 0 && this._size() >= this.maxsize) throw new QueueFull();
    this.store(item);
  }

  /** Remove and return an item now, or throw `QueueEmpty` / `QueueShutDown`. */
  getNowait(): T {
    if (this._size() === 0) {
      throw this.shut ? new QueueShutDown() : new QueueEmpty();
    }
    return this.take();
  }

  // The three moves every put/get reduces to; put() and get() call them directly so
  // their fast paths do not repeat the checks of putNowait()/getNowait().

  /**
   * Someone is waiting, so the queue is empty: hand the item over directly. The getter
   * is unlinked, its timer/listener removed and the item assigned to it here, so a timeout
   * or abort firing later cannot take the item back; its promise resolves one job later
   * (src/queue/delivery.ts says why).
   */
  private handOff(getter: Waiter<T>, item: T): void {
    if (this.claims) {
      this.handOffClaim(getter, item);
      return;
    }
    this.unfinished++;
    this.getters.remove(getter);
    const probe = this.probe;
    if (probe !== null) {
      probe.put(this._size());
      probe.get(this._size());
    }
    this.settle(getter, 'served');
    this.release(getter, item);
  }

  /**
   * handOff() for storage that is not FIFO. The item goes into storage and the getter is
   * owed one (`claimed`), taken from storage as its promise settles: items put in the
   * meantime compete, so a waiting worker gets the smallest (or newest) of a batch put in one
   * go, as asyncio's woken getter does on its next turn, not the first one put. The getter is
   * served here all the same (unlinked, its timer and listener released): nothing can take
   * its item back, and `_size()` no longer counts it. `_put` goes first: a comparator that
   * throws leaves the getter waiting and the call failing, with nothing changed.
   */
  private handOffClaim(getter: Waiter<T>, item: T): void {
    this._put(item);
    this.unfinished++;
    const probe = this.probe;
    if (!getter.linked) {
      // The comparator (user code) ended that wait meanwhile (aborted it, shut the queue
      // down): the item stays stored like any other.
      if (probe !== null) probe.put(this._size());
      return;
    }
    this.claimed++;
    this.getters.remove(getter);
    if (probe !== null) {
      probe.put(this._size());
      probe.get(this._size());
    }
    this.settle(getter, 'served');
    deliver(getter, CLAIM as T);
  }

  /** @internal Part of WaiterOwner: a claimed getter's item, as its promise settles (handOffClaim). */
  takeClaim(): unknown {
    this.claimed--;
    // Storage's next item; a comparator that throws leaves it there, as an item not owed.
    return this._get();
  }

  /** Settle a served waiter's promise: one job later (delivery.ts), or now when that does not help. */
  private release<R>(w: Waiter<R>, value: R): void {
    if (this.directLeft > 0) {
      this.directLeft--;
      resolveNow(w, value);
      return;
    }
    deliver(w, value);
    if (++this.handOffStreak >= DEFER_MISSES) {
      this.handOffStreak = 0;
      this.directLeft = this.directRun;
      if (this.directRun < MAX_DIRECT_RUN) this.directRun *= 2;
    }
  }

  /** Room is known to exist: add the item. */
  private store(item: T): void {
    this.handOffStreak = 0;
    this.directLeft = 0;
    this.directRun = DIRECT_RUN;
    this._put(item);
    this.unfinished++;
    const probe = this.probe;
    if (probe !== null) probe.put(this._size());
  }

  /** The queue is known to be non-empty: remove the next item. */
  private take(): T {
    const item = this._get();
    if (this.probe !== null) this.probe.get(this._size());
    const putter = this.putters.head;
    if (putter !== null) this.admit(putter);
    else this.handOffStreak = 0;
    return item;
  }

  /**
   * A slot was freed: move the longest-blocked producer's item in right away, so no later
   * putNowait() can jump the line. Apart from take() so that take(), inlined into every
   * consumer's loop, stays small: V8 compiles less for a loop that never meets a full queue.
   */
  private admit(putter: Waiter<void>): void {
    for (let p: Waiter<void> | null = putter; p !== null; p = this.putters.head) {
      this.putters.remove(p);
      const item = p.item as T;
      p.item = undefined;
      try {
        this._put(item);
      } catch (err) {
        // Storage refused it (a PriorityQueue comparator that throws): that put fails, not
        // the get that freed the slot (its item is already out); the next producer is tried.
        this.settle(p, 'aborted');
        p.reject(err);
        continue;
      }
      this.unfinished++;
      if (this.probe !== null) this.probe.put(this._size());
      this.settle(p, 'served');
      this.release(p, undefined);
      return;
    }
  }

  // ---- blocking calls ----

  /**
   * Add an item, waiting while the queue is full.
   *
   * Cancel safety: if the call times out, is aborted or the queue shuts down while it
   * waits, the item was never added, the call rejects, and nothing is left behind. Its
   * place in line is lost. Once the promise resolves the item is in the queue.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    let timeout = Infinity;
    let signal: AbortSignalLike | undefined;
    if (options !== undefined) {
      const reason = this.readOptions(options);
      if (reason !== VALID) return Promise.reject(reason);
      timeout = this.optTimeout;
      signal = this.optSignal;
      this.optSignal = undefined; // do not keep the caller's signal alive
    }
    if (this.shut) return Promise.reject(new QueueShutDown());
    const getter = this.getters.head;
    if (getter !== null) {
      this.handOff(getter, item);
      return RESOLVED;
    }
    if (this.maxsize === 0 || this._size() < this.maxsize) {
      this.store(item);
      return RESOLVED;
    }
    if (timeout === 0) return Promise.reject(new QueueTimeout('put() timed out after 0 ms'));
    const w = takeWaiter<void>('put', this);
    w.item = item;
    return this.block(this.putters, w, timeout, signal);
  }

  /**
   * Remove and return an item, waiting while the queue is empty.
   *
   * Cancel safety: a call that times out or is aborted never takes an item; an item
   * arriving at that moment goes to the next waiter or stays in the queue. After a
   * graceful shutdown, `get` keeps returning the items left and then rejects with
   * `QueueShutDown`.
   */
  get(options?: WaitOptions): Promise<T> {
    // The common case first and alone: inlined into a consumer's loop, the rest (options,
    // blocking) would be compiled into it too, and the compile lands on a young program.
    if (options === undefined && this._size() > 0) return Promise.resolve(this.take());
    return this.getOrWait(options);
  }

  private getOrWait(options: WaitOptions | undefined): Promise<T> {
    let timeout = Infinity;
    let signal: AbortSignalLike | undefined;
    if (options !== undefined) {
      const reason = this.readOptions(options);
      if (reason !== VALID) return Promise.reject(reason);
      timeout = this.optTimeout;
      signal = this.optSignal;
      this.optSignal = undefined; // do not keep the caller's signal alive
    }
    if (this._size() > 0) return Promise.resolve(this.take());
    if (this.shut) return Promise.reject(new QueueShutDown());
    if (timeout === 0) return Promise.reject(new QueueTimeout('get() timed out after 0 ms'));
    return this.block(this.getters, takeWaiter<T>('get', this), timeout, signal);
  }

  // Outputs of readOptions(): fields rather than a returned object, so a call with options
  // allocates nothing on its fast path.
  private optTimeout = Infinity;
  private optSignal: AbortSignalLike | undefined = undefined;

  /**
   * Validate a call's options before it looks at the queue, so bad input fails the same
   * way whether or not the call would have blocked. Returns VALID (and sets optTimeout /
   * optSignal), or the reason to reject with: a TypeError, or an aborted signal's reason.
   */
  private readOptions(options: WaitOptions): unknown {
    // `get(50)` or `put(item, 50)` (a positional timeout) would otherwise read no option and
    // wait forever without a word.
    if (typeof options !== 'object' || options === null) {
      return new TypeError(`options must be an object, e.g. { timeout: ${typeof options === 'number' ? options : 1000} }; got ${options === null ? 'null' : typeof options}`);
    }
    let timeout = Infinity;
    if (options.timeout !== undefined) {
      const t = checkTimeout(options.timeout);
      if (typeof t !== 'number') return t;
      timeout = t;
    }
    let signal = options.signal;
    // Neither option given: a misspelled one is the likely reason (looked for only then, so
    // a call with options pays nothing for it).
    if (options.timeout === undefined && signal === undefined) {
      const typo = misspelledOption(options, WAIT_OPTIONS);
      if (typo !== undefined) return misspelledError('options', typo);
    }
    if (signal !== undefined && signal !== null) {
      if (typeof signal.addEventListener !== 'function' || typeof signal.removeEventListener !== 'function') return new TypeError('signal must be an AbortSignal');
      if (signal.aborted) return abortReason(signal);
    } else signal = undefined;
    this.optTimeout = timeout;
    this.optSignal = signal;
    return VALID;
  }

  private block<R>(list: WaiterList<R>, w: Waiter<R>, timeout: number, signal: AbortSignalLike | undefined): Promise<R> {
    const promise = w.promise();
    // Traced before it joins the list: a debugger's evaluate runs on an interrupt at any
    // function call, and a drain inside waitStart() would otherwise adopt this waiter, whose
    // token waitStart() then overwrote: a record nobody ends (a consumer "waiting" for good).
    if (this.probe !== null) w.trace = this.probe.waitStart(w.role);
    list.append(w);
    w.owner = this;
    if (timeout !== Infinity) {
      w.timeoutMs = timeout;
      // One realm-wide timer over deadline lists; a timer of its own only under fake timers.
      if (deadlines.accepts(timeout)) deadlines.add(w, timeout);
      else {
        const timer: unknown = startTimer(() => {
          // A stale callback (its wait settled, the waiter maybe reused) must do nothing.
          if (w.timer !== timer) return;
          w.timer = undefined;
          this.expireWaiter(w as unknown as Waiter<unknown>);
        }, timeout);
        w.timer = timer;
      }
    }
    if (signal !== undefined) {
      w.signal = signal;
      w.onAbort = () => {
        // A stale call (its wait settled, the waiter maybe reused by another queue) does nothing.
        if (!w.linked || w.signal !== signal) return;
        list.remove(w);
        w.item = undefined;
        this.settle(w, 'aborted');
        w.reject(abortReason(signal));
      };
      watch(signal, w);
    }
    return promise;
  }

  /** @internal Part of WaiterOwner: the deadline of a blocked call passed. */
  expireWaiter(w: Waiter<unknown>): void {
    if (!w.linked) return;
    if (w.role === 'put') this.putters.remove(w as unknown as Waiter<void>);
    else this.getters.remove(w as unknown as Waiter<T>);
    w.item = undefined;
    this.settle(w, 'timeout');
    w.reject(new QueueTimeout(`${w.role}() timed out after ${w.timeoutMs} ms`));
  }

  /** Release a waiter's timer and abort listener and tell the tracer how it ended. */
  private settle(w: WaitHandle, outcome: WaitOutcome): void {
    if (w.tBucket !== null) deadlines.remove(w);
    else if (w.timer !== undefined) {
      stopTimer(w.timer);
      w.timer = undefined;
    }
    if (w.signal !== undefined) {
      unwatch(w.signal, w);
      w.signal = undefined;
      w.onAbort = undefined;
    }
    // A wait the tracer did not time has no token: only an outcome other than 'served' is news.
    if (this.probe !== null && (w.trace !== undefined || outcome !== 'served')) this.probe.waitEnd(w.trace, outcome);
    w.trace = undefined;
  }

  // ---- tasks ----

  /**
   * Mark one item taken with `get` as processed. When every item put has been marked,
   * `join()` resolves. Throws `RangeError` if called more times than items were put.
   */
  taskDone(): void {
    if (this.unfinished <= 0) throw new RangeError('taskDone() called too many times');
    this.unfinished--;
    const probe = this.probe;
    if (probe !== null && probe.taskDone !== undefined) probe.taskDone();
    if (this.unfinished === 0) this.releaseJoiners();
  }

  /** Resolves once every item put has been marked with `taskDone()` (at once if none is pending). */
  join(): Promise<void> {
    if (this.unfinished === 0) return RESOLVED;
    return new Promise<void>((resolve) => this.joiners.push(resolve));
  }

  private releaseJoiners(): void {
    const joiners = this.joiners;
    if (joiners.length === 0) return;
    this.joiners = [];
    for (const resolve of joiners) resolve();
  }

  // ---- shutdown ----

  /**
   * Stop the queue. Later and blocked `put`s reject with `QueueShutDown`. Graceful (the
   * default): `get` keeps returning the items left, then rejects. Immediate: the items
   * are dropped at once (each counts as `taskDone()`), and blocked `get`s reject too.
   * Calling it again is allowed; an immediate call after a graceful one still drains.
   */
  shutdown(options: ShutdownOptions = {}): void {
    // `shutdown(true)` (asyncio's positional `immediate`) would otherwise shut down gracefully.
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`shutdown options must be an object, e.g. shutdown({ immediate: ${options === true} }); got ${options === null ? 'null' : typeof options}`);
    }
    const typo = misspelledOption(options, SHUTDOWN_OPTIONS);
    if (typo !== undefined) throw misspelledError('shutdown()', typo);
    // asyncio takes any truthy `immediate`; a strict boolean here, so `immediate: 'false'` or a
    // stray 1 does not decide between dropping the items and keeping them.
    if (options.immediate !== undefined && typeof options.immediate !== 'boolean') {
      throw new TypeError(`shutdown: immediate must be true or false, got ${shown(options.immediate)}`);
    }
    const immediate = options.immediate === true;
    this.shut = true;
    if (immediate) {
      this.dropAll = true;
      const dropped = this._size();
      this._clear();
      this.unfinished = Math.max(0, this.unfinished - dropped);
      if (this.unfinished === 0) this.releaseJoiners();
    }
    if (this.probe !== null) this.probe.shutdown(immediate, this._size());
    // Blocked producers always fail: their items never entered the queue.
    for (let w = this.putters.shift(); w !== null; w = this.putters.shift()) {
      w.item = undefined;
      this.settle(w, 'shutdown');
      w.reject(new QueueShutDown());
    }
    // Waiting consumers imply an empty queue, so they fail in both modes.
    for (let w = this.getters.shift(); w !== null; w = this.getters.shift()) {
      this.settle(w, 'shutdown');
      w.reject(new QueueShutDown());
    }
  }

  /** Graceful shutdown; the same as `shutdown()`. */
  close(): void {
    this.shutdown();
  }

  // ---- iteration ----

  /**
   * Yields items as `get()` would, and ends cleanly once the queue is shut down and
   * drained. It does not call `taskDone()` for you.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new QueueIterator<T>(this);
  }

  /**
   * @internal Part of IterationSource: an iterator ended by `return()` in the job between
   * its get being served and that get settling gives the item back. It goes first in line,
   * behind the items given back before it in the same job (two iterators torn down
   * together give theirs back in the order they were served), still unfinished, so the
   * queue may briefly hold more than `maxsize`. After an immediate shutdown it is dropped as
   * the others were. The tracer counts it as one more get and put.
   */
  [PUT_BACK](item: T): void {
    this.unfinished--; // the hand-off or the store below counts it again
    if (this.dropAll) {
      if (this.unfinished === 0) this.releaseJoiners();
      return;
    }
    const getter = this.getters.head;
    if (getter !== null) {
      this.handOff(getter, item);
      return;
    }
    if (this.givenBack === 0) void RESOLVED.then(() => (this.givenBack = 0));
    // A PriorityQueue comparator that throws here: the item is gone and counts as done (the
    // heap is not empty, so others are unfinished and join() is not due), and the iterator's
    // pending next() rejects with the error, as a put the comparator refuses does.
    this._putBack(item, this.givenBack);
    this.givenBack++;
    this.unfinished++;
    if (this.probe !== null) this.probe.put(this._size());
  }

  /**
   * Storage hook for a given-back item: where `get` takes from next, behind the `behind`
   * items given back just before it. Storage a subclass keeps its own way (its own `_put`
   * and `_get`) takes it through `_put`.
   */
  protected _putBack(item: T, behind: number): void {
    if (this._put === FIFO_PUT) this.ring.insertAt(Math.min(behind, this.ring.length), item);
    else this._put(item);
  }

  // ---- tracing and debugging ----

  /** @internal Part of ProbeTarget: the next `n` items in `get` order. */
  peek(n: number): unknown[] {
    return this._peek(Math.max(0, Math.floor(n)));
  }

  /** @internal Part of ProbeTarget: called by the tracing hub. */
  setProbe(probe: QueueProbe | null): void {
    this.probe = probe;
  }

  /** @internal Part of ProbeTarget: a hub armed late adopts the calls already waiting. */
  adoptWaiters(start: (role: 'put' | 'get') => unknown): void {
    for (let w = this.putters.head; w !== null; w = w.next) if (w.trace === undefined) w.trace = start('put');
    for (let w = this.getters.head; w !== null; w = w.next) if (w.trace === undefined) w.trace = start('get');
  }

  /** Waiting getters and blocked putters, for debugging. */
  get waiters(): { getters: number; putters: number } {
    return { getters: this.getters.length, putters: this.putters.length };
  }

  toString(): string {
    const parts = [`${this.constructor.name} ${JSON.stringify(this.name)}`, `maxsize=${this.maxsize}`, `qsize=${this._size()}`];
    if (this.getters.length) parts.push(`getters[${this.getters.length}]`);
    if (this.putters.length) parts.push(`putters[${this.putters.length}]`);
    if (this.unfinished) parts.push(`tasks=${this.unfinished}`);
    if (this.shut) parts.push('shutdown');
    return `<${parts.join(' ')}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A bad option's value as a message shows it: a string quoted, so `'5'` does not read as 5. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  try {
    return String(value);
  } catch {
    return `a ${typeof value} that cannot be shown`;
  }
}

/**
 * The ring's `_put`, to tell FIFO storage from a subclass's own. Read after the class: a
 * reference to `Queue` inside its body makes esbuild name the class `_Queue` in the bundle
 * (`Queue.name`, and the class named in error messages).
 */
const FIFO_PUT: unknown = (Queue.prototype as unknown as { _put: unknown })._put;

/**
 * What an aborted call rejects with. A signal from an older polyfill (abort-controller) has
 * no `reason`; rejecting with `undefined` would leave the caller nothing to check.
 */
function abortReason(signal: AbortSignalLike): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const err = new Error('the operation was aborted');
  err.name = 'AbortError';
  return err;
}

/**
 * Normalise a timeout: undefined/Infinity wait forever, zero or negative means "do not
 * wait". An invalid value comes back as the TypeError to reject with.
 */
function checkTimeout(timeout: number): number | TypeError {
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    return new TypeError(`timeout must be a number of milliseconds, got ${shown(timeout)}`);
  }
  return timeout > 0 ? timeout : 0;
}
