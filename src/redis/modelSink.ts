// Feeds a RedisWatch into the live model as a session of origin 'redis' with one source,
// through the model's ordinary entry points (openSession, addSource, applyEvents,
// endSession): the session recorder, tree, panel and diagnostics see it like any other.

import { sourceKey, type SourceInfo, type WireEvent } from '../protocol/wire';
import type { QueueModel } from '../model/store';
import type { RedisWatchSink } from './watch';

export function modelSink(model: QueueModel, session: string, name: string): RedisWatchSink {
  let source: string | undefined;
  return {
    source(info: SourceInfo): void {
      model.openSession(session, name, 'redis', info.origin + info.now);
      source = model.addSource(session, info);
    },
    events(events: WireEvent[]): void {
      if (source === undefined) source = sourceKey({ pid: 0, threadId: 0 });
      model.applyEvents(session, source, events);
    },
    end(t: number): void {
      const src = source !== undefined ? model.source(session, source) : undefined;
      model.endSession(session, src ? src.info.origin + t : undefined);
    },
  };
}
