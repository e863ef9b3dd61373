// Timeouts: waiting on a queue, but not forever.
//
// A sensor sends readings in bursts separated by quiet spells. Two consumers take them
// with `get({ timeout })`: when nothing arrives in time the call rejects with
// `QueueTimeout` and the consumer does something else (here: housekeeping) before it
// waits again. During a burst the readings come faster than the consumers can handle;
// the sensor uses `put({ timeout })` and drops a reading when the queue stays full too
// long, instead of falling ever further behind (load shedding).
//
// Cancel safety: a timed-out get() never takes an item, and a timed-out put() never
// leaves its item in the queue, so nothing is lost or duplicated by a timeout.
//
// What to look for in QueueScope: consumers waiting on "readings" and ending with
// outcome "timeout" during quiet spells; during bursts the depth hits its maxsize and
// the sensor's blocked puts time out.
//
//   node dist/samples/timeouts.js [--duration 45] [--rate 40] [--get-timeout 400] [--put-timeout 50] [--quiet 1500]

import { Queue, QueueShutDown, QueueTimeout } from 'queuescope';
import { readOptions } from './lib/cli';
import { around, log, runMain, sleep, stopAfter } from './lib/run';

const options = readOptions('timeouts', {
  duration: { default: 45, min: 0, help: 'seconds to run (0: until Ctrl+C)' },
  rate: { default: 40, min: 0.1, help: 'readings per second during a burst' },
  'get-timeout': { default: 400, min: 1, help: 'milliseconds a consumer waits for a reading' },
  'put-timeout': { default: 50, min: 1, help: 'milliseconds the sensor waits for room before dropping a reading' },
  work: { default: 200, min: 0, help: 'mean milliseconds a consumer spends on a reading' },
  quiet: { default: 1500, min: 0, help: 'milliseconds of silence between bursts' },
});

interface Reading {
  seq: number;
  value: number;
}

async function sensor(readings: Queue<Reading>, stop: AbortSignal): Promise<void> {
  let seq = 0;
  let dropped = 0;
  while (!stop.aborted) {
    // A burst of readings, then a quiet spell long enough for the consumers' gets to time out.
    const burst = 10 + Math.floor(Math.random() * 10);
    for (let i = 0; i < burst && !stop.aborted; i++) {
      try {
        await readings.put({ seq: ++seq, value: Math.random() }, { timeout: options['put-timeout'] });
      } catch (err) {
        if (!(err instanceof QueueTimeout)) throw err;
        dropped++; // the queue stayed full for put-timeout ms: shed this reading
      }
      await sleep(1000 / options.rate, stop);
    }
    log('sensor', `burst of ${burst} readings sent, ${dropped} dropped so far (queue was full)`);
    await sleep(options.quiet, stop);
  }
  readings.shutdown();
  log('sensor', `stopped after ${seq} readings (${dropped} dropped)`);
}

async function consumer(name: string, readings: Queue<Reading>): Promise<void> {
  let handled = 0;
  let timeouts = 0;
  for (;;) {
    let reading: Reading;
    try {
      reading = await readings.get({ timeout: options['get-timeout'] });
    } catch (err) {
      if (err instanceof QueueShutDown) break; // shut down and drained: we are done
      if (!(err instanceof QueueTimeout)) throw err;
      // Nothing arrived in time. Do other work, then wait again.
      timeouts++;
      log(name, `no reading for ${options['get-timeout']} ms: housekeeping (timeout #${timeouts})`);
      continue;
    }
    await sleep(around(options.work));
    handled++;
    if (handled % 5 === 0) log(name, `handled reading #${reading.seq} (${handled} so far)`);
  }
  log(name, `finished: ${handled} readings handled, ${timeouts} timed-out waits`);
}

runMain(async () => {
  const readings = new Queue<Reading>({ name: 'readings', maxsize: 4 });
  const stop = stopAfter(options.duration);
  log('main', `two consumers get({ timeout: ${options['get-timeout']} }); the sensor put({ timeout: ${options['put-timeout']} })`);
  await Promise.all([sensor(readings, stop.signal), consumer('consumer-a', readings), consumer('consumer-b', readings)]);
  stop.done();
});
