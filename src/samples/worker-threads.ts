// Worker threads: a pipeline with a queue in each thread.
//
//   main thread                 worker "resize"          worker "encode"           main thread
//   frames ──postMessage──▶  resize.inbox ──postMessage──▶ encode.inbox ──postMessage──▶ results
//
// Each thread is its own JavaScript realm, so each has its own queues (and QueueScope shows
// each thread's queues under its own debug session). Threads exchange frames through
// MessagePorts; inside a thread, a queue decouples receiving from processing: the
// port's message handler only enqueues (`putNowait`), and a loop takes frames with
// `for await` and works on them at its own pace.
//
// Ending the stream: the main thread shuts "frames" down; each stage forwards an
// end-of-stream marker (null) and shuts its inbox down when it sees one, so every
// stage drains what it holds, then ends, and the workers exit by themselves.
//
// This file is both programs: `new Worker(__filename)` runs it again in a worker thread,
// where `isMainThread` is false and `workerData` says which stage to run.
//
// What to look for in QueueScope: queues from three threads; "encode.inbox" (the slowest
// stage) builds a backlog that drains again; "results" collects the finished frames.
//
//   node dist/samples/worker-threads.js [--duration 45] [--rate 15] [--encode 60]

import { MessageChannel, type MessagePort, Worker, isMainThread, workerData } from 'node:worker_threads';
import { Queue } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, logOrigin, runMain, setLogOrigin, sleep, stopAfter } from './lib/run';

interface Frame {
  id: number;
  createdAt: number;
}

/** What the main thread tells a worker: its stage's name and pace, and its two ports. */
interface StageConfig {
  name: string;
  /** The main thread's clock origin, so every thread's log lines share one time axis. */
  origin: number;
  workMs: number;
  input: MessagePort;
  output: MessagePort;
}

/** One pipeline stage, running in a worker thread. */
async function runStage({ name, origin, workMs, input, output }: StageConfig): Promise<void> {
  setLogOrigin(origin);
  const inbox = new Queue<Frame>({ name: `${name}.inbox` });
  // The message handler must not block, so it only enqueues; null marks the end.
  input.on('message', (frame: Frame | null) => (frame === null ? inbox.shutdown() : inbox.putNowait(frame)));
  let handled = 0;
  for await (const frame of inbox) {
    await sleep(around(workMs, 0.6)); // the stage's work
    output.postMessage(frame);
    if (++handled % 20 === 0) log(name, `${handled} frames done, ${inbox.qsize()} waiting`);
  }
  output.postMessage(null); // pass the end of the stream on
  input.close();
  output.close();
  log(name, `inbox shut down and drained after ${handled} frames: thread ends`);
}

async function main(): Promise<void> {
  const options = readOptions('worker-threads', {
    duration: { default: 45, min: 0, help: 'seconds to create frames (0: until Ctrl+C)' },
    rate: { default: 15, min: 0.1, help: 'frames per second' },
    resize: { default: 20, min: 0, help: 'mean milliseconds the resize stage spends per frame' },
    encode: { default: 60, min: 0, help: 'mean milliseconds the encode stage spends per frame' },
  });

  // main -> resize -> encode -> main
  const toResize = new MessageChannel();
  const toEncode = new MessageChannel();
  const toMain = new MessageChannel();
  const start = (name: string, workMs: number, input: MessagePort, output: MessagePort): Worker => {
    const data: StageConfig = { name, origin: logOrigin(), workMs, input, output };
    return new Worker(__filename, { name, workerData: data, transferList: [input, output] });
  };
  const workers = [start('resize', options.resize, toResize.port2, toEncode.port1), start('encode', options.encode, toEncode.port2, toMain.port1)];
  const exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  log('main', `pipeline started: frames -> resize (thread ${workers[0].threadId}) -> encode (thread ${workers[1].threadId}) -> results`);

  const frames = new Queue<Frame>({ name: 'frames', maxsize: 50 });
  const results = new Queue<Frame>({ name: 'results' });
  toMain.port2.on('message', (frame: Frame | null) => (frame === null ? results.shutdown() : results.putNowait(frame)));

  // Forward frames to the first stage, then the end-of-stream marker.
  const forward = (async () => {
    for await (const frame of frames) toResize.port1.postMessage(frame);
    toResize.port1.postMessage(null);
    toResize.port1.close();
  })();

  // Collect results: the end-to-end latency of each frame.
  const collect = (async () => {
    let count = 0;
    let totalMs = 0;
    for await (const frame of results) {
      count++;
      totalMs += Date.now() - frame.createdAt;
      if (count % 20 === 0) log('main', `${count} frames through the pipeline, mean latency ${Math.round(totalMs / count)} ms`);
    }
    toMain.port2.close();
    return count;
  })();

  const stop = stopAfter(options.duration);
  let created = 0;
  while (!stop.signal.aborted) {
    await frames.put({ id: ++created, createdAt: Date.now() });
    await sleep(1000 / options.rate, stop.signal);
  }
  frames.shutdown();
  log('main', `stopped after ${created} frames; the pipeline drains`);
  await forward;
  const received = await collect;
  await Promise.all(exited);
  stop.done();
  log('main', `${received} of ${created} frames came back; both worker threads have exited`);
}

if (isMainThread) {
  runMain(main);
} else {
  runMain(() => runStage(workerData as StageConfig));
}
