// The sample scenarios the extension can launch. Plain data (no vscode), shared by the
// "Launch Sample Scenario…" quick pick, the walkthrough's command links and the tests.
// Each id names a program src/samples/<id>.ts, built to dist/samples/<id>.js.

export interface SampleEntry {
  /** File name without extension, and the argument `queuescope.launchSample` accepts. */
  readonly id: string;
  /** Quick pick label. */
  readonly title: string;
  /** One line: the pattern, and what it looks like in the panel. */
  readonly description: string;
  /** Program arguments for a debug run (each sample documents its options with --help). */
  readonly args: readonly string[];
}

export const SAMPLES: readonly SampleEntry[] = [
  {
    id: 'producer-consumer',
    title: 'Producer/consumer',
    description: 'One producer, one slow consumer using for await; ends with shutdown() and a drained queue.',
    args: ['--duration', '45'],
  },
  {
    id: 'back-pressure',
    title: 'Back-pressure',
    description: 'A fast producer against a bounded queue: depth sits at maxsize, the producer is blocked in put().',
    args: ['--duration', '45'],
  },
  {
    id: 'timeouts',
    title: 'Timeouts',
    description: 'Consumers get({ timeout }) and do other work when nothing arrives; the producer drops work with put({ timeout }).',
    args: ['--duration', '45'],
  },
  {
    id: 'worker-pool',
    title: 'Worker pool that scales with depth',
    description: 'Workers are added when qsize() grows and retired through an AbortSignal when the queue is empty.',
    args: ['--duration', '60'],
  },
  {
    id: 'priority',
    title: 'Priority scheduling',
    description: 'A PriorityQueue where urgent jobs overtake a backlog of bulk jobs.',
    args: ['--duration', '45'],
  },
  {
    id: 'shutdown',
    title: 'Graceful vs immediate shutdown',
    description: 'shutdown() lets the workers drain the queue; shutdown({ immediate: true }) drops it; join() in both.',
    args: ['--duration', '40'],
  },
  {
    id: 'deadlock',
    title: 'Deadlock',
    description: "Two stages wait on each other's queue: a blocked producer and a waiting consumer, and no progress.",
    args: ['--duration', '60'],
  },
  {
    id: 'worker-threads',
    title: 'Worker threads',
    description: 'A pipeline across three threads with a queue in each, all in one debug session.',
    args: ['--duration', '45'],
  },
];

export function findSample(id: string): SampleEntry | undefined {
  return SAMPLES.find((s) => s.id === id);
}
