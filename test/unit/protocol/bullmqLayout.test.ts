// What an entry of a BullMQ queue's event stream means (src/protocol/bullmqLayout.ts): a
// retried attempt told apart from a stall's return and from a job added with a delay, as
// BullMQ's scripts write them (retryJob: 'waiting' from 'active'; moveToDelayed: 'delayed';
// moveStalledJobsToWait: 'waiting' from 'active' then 'stalled', in one script; addDelayedJob:
// 'delayed').

import * as assert from 'node:assert/strict';
import { countStreamEntry, emptyFlow, StreamJobs } from '../../../src/protocol/bullmqLayout';
import { throughputText, readJobsInfo } from '../../../src/protocol/jobsText';

type Entry = Record<string, string>;
/** Entries of one read, each seen with the one after it, as the readers pass them. */
const run = (entries: Entry[], jobs?: StreamJobs) => {
  const flow = emptyFlow();
  const kinds = entries.map((f, i) => countStreamEntry(flow, f, jobs, entries[i + 1]) ?? '-');
  return { flow, kinds };
};
const active = (jobId: string): Entry => ({ event: 'active', jobId, prev: 'waiting' });
const back = (jobId: string): Entry => ({ event: 'waiting', jobId, prev: 'active' });

describe('BullMQ event stream entries', () => {
  it('tells a retry at once, a retry after a backoff, a stall and a delayed add apart', () => {
    const { flow, kinds } = run(
      [
        { event: 'added', jobId: '1', name: 'twice' },
        active('1'),
        back('1'), // failed attempt 1, retried at once
        active('1'),
        back('1'), // attempt 2
        active('1'),
        { event: 'completed', jobId: '1', returnvalue: '{}', prev: 'active' },
        { event: 'added', jobId: '2', name: 'backoff' },
        active('2'),
        { event: 'delayed', jobId: '2', delay: '1700000000050' }, // failed, waits out its backoff
        { event: 'waiting', jobId: '2', prev: 'delayed' },
        active('2'),
        { event: 'completed', jobId: '2', returnvalue: '{}', prev: 'active' },
        { event: 'added', jobId: '3', name: 'later' },
        { event: 'delayed', jobId: '3', delay: '1700000009000' }, // added with a delay: never ran
        active('4'),
        back('4'), // the stall check put it back, and says so in the next entry
        { event: 'stalled', jobId: '4' },
        active('5'),
        { event: 'stalled', jobId: '5' }, // the other order (older BullMQ)
        back('5'),
      ],
      new StreamJobs(),
    );
    assert.deepEqual(kinds, ['-', '-', 'retried', '-', 'retried', '-', '-', '-', '-', 'retried', '-', '-', '-', '-', '-', '-', 'requeued', 'stalled', '-', 'stalled', 'requeued']);
    assert.deepEqual(flow, { added: 3, active: 7, completed: 2, failed: 0, stalled: 2, retried: 3 });
  });

  it('reads a return it cannot place as requeued: without state, or for a job that started before the read', () => {
    assert.deepEqual(run([active('1'), back('1')]).kinds, ['-', 'requeued']);
    assert.deepEqual(run([back('9'), { event: 'delayed', jobId: '9', delay: '1' }], new StreamJobs()).kinds, ['requeued', '-']);
  });

  it('stays bounded: past its size the oldest job is forgotten', () => {
    const jobs = new StreamJobs(2);
    const { kinds } = run([active('a'), active('b'), active('c'), back('a'), back('c')], jobs);
    assert.deepEqual(kinds, ['-', '-', '-', 'requeued', 'retried']);
  });

  it('says the retries beside the failures, and reads a panel message from before them as 0', () => {
    const info = readJobsInfo({ counts: {}, oldestWaitMs: null, completedRate: 2, failedRate: 0, totals: { added: 9, active: 9, completed: 8, failed: 1, stalled: 0, retried: 4 }, workers: [], recent: [], gaps: [] })!;
    assert.equal(throughputText(info), '2.0 completed/s · 0.0 failed/s · 1 failed, 4 retried since the watch began');
    const old = readJobsInfo({ counts: {}, oldestWaitMs: null, completedRate: 2, failedRate: 0, totals: { added: 9, active: 9, completed: 8, failed: 1, stalled: 0 }, workers: [], recent: [], gaps: [] })!;
    assert.equal(old.totals.retried, 0);
    assert.equal(throughputText(old), '2.0 completed/s · 0.0 failed/s · 1 failed since the watch began');
  });
});
