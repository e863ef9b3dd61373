// The library's errors. Each is an Error subclass with its own `name`, so callers can
// branch on `instanceof` or on `err.name` (the latter survives structured cloning).

/** Thrown by `getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  constructor(message = 'queue is empty') {
    super(message);
    this.name = 'QueueEmpty';
  }
}

/** Thrown by `putNowait()` on a full queue. */
export class QueueFull extends Error {
  constructor(message = 'queue is full') {
    super(message);
    this.name = 'QueueFull';
  }
}

/** Raised by `put`/`get` on a queue that has been shut down (and, for `get`, drained). */
export class QueueShutDown extends Error {
  constructor(message = 'queue is shut down') {
    super(message);
    this.name = 'QueueShutDown';
  }
}

/**
 * A `put`/`get` whose `timeout` elapsed. Its name is "TimeoutError", the same as the
 * DOMException that `AbortSignal.timeout()` produces, so one check covers both.
 */
export class QueueTimeout extends Error {
  constructor(message = 'queue operation timed out') {
    super(message);
    this.name = 'TimeoutError';
  }
}
