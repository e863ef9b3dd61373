// Public entry of the queue library. See README.md for the API and recipes.

export { Queue, type QueueOptions, type WaitOptions, type ShutdownOptions } from './queue';
export { LifoQueue } from './lifo';
export { PriorityQueue, type PriorityQueueOptions } from './priority';
export { QueueEmpty, QueueFull, QueueShutDown, QueueTimeout } from './errors';
export type { AbortSignalLike } from './waiters';
export type { QueueKind, WaiterRole, WaitOutcome } from './probe';
