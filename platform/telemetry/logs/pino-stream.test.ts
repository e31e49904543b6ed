import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { sinkStream } from './pino-stream.ts';
import type { LogRecord, LogSink, LogSinkStats } from './log-sink.ts';

class MemorySink implements LogSink {
  readonly records: LogRecord[] = [];
  write(record: LogRecord): void {
    this.records.push(record);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  stats(): LogSinkStats {
    return { buffered: 0, sent: this.records.length, dropped: 0, failed_batches: 0 };
  }
}

describe('sinkStream', () => {
  it('feeds pino.multistream output to the sink as parsed records', () => {
    const sink = new MemorySink();
    const copy: string[] = [];
    const logger = pino(
      { base: { pid: 1, hostname: 'h' } },
      pino.multistream([{ stream: { write: (l: string) => copy.push(l) } }, { stream: sinkStream(sink) }]),
    );
    logger.info({ trace_id: 'abc', userId: 5 }, 'hello');
    logger.error(new Error('boom'));

    assert.equal(copy.length, 2, 'the other stream still gets every line');
    assert.equal(sink.records.length, 2);
    const [info, error] = sink.records;
    assert.ok(info !== undefined && error !== undefined);
    assert.equal(info.level, 30);
    assert.equal(info.msg, 'hello');
    assert.equal(info.trace_id, 'abc');
    assert.equal(info['userId'], 5);
    assert.equal(typeof info.time, 'number');
    assert.equal(error.level, 50);
    assert.equal((error.err as { message?: string }).message, 'boom');
  });

  it('counts bad lines instead of throwing, and splits multi-line chunks', () => {
    const sink = new MemorySink();
    const dest = sinkStream(sink);
    assert.doesNotThrow(() => {
      dest.write('not json\n');
      dest.write('[1,2]\n');
      dest.write('{"msg":"no level"}\n');
      dest.write('{"level":30,"time":"not a date"}\n');
      dest.write('{"level":30,"time":1,"msg":"a"}\n{"level":"warn","time":"2025-01-01T00:00:00.000Z","msg":"b"}\n\n');
      dest.write(new TextEncoder().encode('{"level":40,"time":2,"msg":"c"}\n'));
    });
    assert.deepEqual(dest.stats(), { lines: 7, bad_lines: 4 });
    assert.deepEqual(
      sink.records.map((r) => [r.level, r.time, r.msg]),
      [
        [30, 1, 'a'],
        [40, Date.UTC(2025, 0, 1), 'b'],
        [40, 2, 'c'],
      ],
    );
  });

  it('never lets a throwing sink reach the logger', () => {
    const dest = sinkStream({
      write: () => {
        throw new Error('sink bug');
      },
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
      stats: () => ({ buffered: 0, sent: 0, dropped: 0, failed_batches: 0 }),
    });
    assert.doesNotThrow(() => dest.write('{"level":30,"time":1}\n'));
    assert.equal(dest.stats().bad_lines, 1);
  });
});
