import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchLogSink } from './elasticsearch-sink.ts';
import type { EcsDocument } from './log-sink.ts';

const SKIP_REASON =
  'ELASTICSEARCH_URL is not set: the live Elasticsearch test needs a server (the GitHub workflow starts one)';
const rawUrl = process.env.ELASTICSEARCH_URL;
const url = rawUrl !== undefined && rawUrl.trim() !== '' ? rawUrl : undefined;
// In CI a missing server is a broken workflow, not a reason to pass quietly.
const mustRun = process.env.GITHUB_ACTIONS === 'true';

describe('ElasticsearchLogSink against a live Elasticsearch', () => {
  it(
    'writes ECS documents that search back by trace.id',
    { skip: url === undefined && !mustRun ? SKIP_REASON : false },
    async () => {
      if (url === undefined) assert.fail(`${SKIP_REASON}; GITHUB_ACTIONS is true, so this test must not be skipped`);

      const index = `insitechart-logs-live-test-${Date.now()}-${process.pid}`;
      const traceId = randomBytes(16).toString('hex');
      const otherTraceId = randomBytes(16).toString('hex');
      const spanId = randomBytes(8).toString('hex');
      const time = Date.now();
      const warnings: string[] = [];
      const sink = new ElasticsearchLogSink({ url, index, service: 'live-test', onWarning: (m) => warnings.push(m) });
      const client = new Client({ node: url });
      try {
        sink.write({
          level: 30,
          time,
          msg: 'first',
          trace_id: traceId,
          span_id: spanId,
          hostname: 'live-host',
          pid: 4321,
          userId: 7,
        });
        sink.write({
          level: 50,
          time: time + 1,
          msg: 'second',
          trace_id: traceId,
          err: { type: 'TypeError', message: 'boom', stack: 'TypeError: boom' },
        });
        sink.write({ level: 30, time: time + 2, msg: 'unrelated', trace_id: otherTraceId });
        await sink.flush();
        assert.deepEqual(sink.stats(), { buffered: 0, sent: 3, dropped: 0, failed_batches: 0 }, warnings.join('\n'));

        await client.indices.refresh({ index });
        const result = await client.search<EcsDocument>({
          index,
          query: { match: { 'trace.id': traceId } },
          sort: [{ '@timestamp': 'asc' }],
        });
        const docs = result.hits.hits.map((h) => h._source);
        assert.equal(docs.length, 2);
        const [first, second] = docs;
        assert.ok(first !== undefined && second !== undefined);
        assert.equal(first['@timestamp'], new Date(time).toISOString());
        assert.equal(first.message, 'first');
        assert.deepEqual(first.log, { level: 'info' });
        assert.deepEqual(first.service, { name: 'live-test' });
        assert.deepEqual(first.trace, { id: traceId });
        assert.deepEqual(first.span, { id: spanId });
        assert.deepEqual(first.ecs, { version: '8.11.0' });
        assert.deepEqual(first.host, { hostname: 'live-host' });
        assert.deepEqual(first.process, { pid: 4321 });
        assert.deepEqual(first.labels, { userId: '7' });
        assert.equal(second.message, 'second');
        assert.deepEqual(second.log, { level: 'error' });
        assert.deepEqual(second.error, { type: 'TypeError', message: 'boom', stack_trace: 'TypeError: boom' });

        // The timestamp must be indexed as a date, or time-range queries on the logs would not work.
        const mapping = await client.indices.getFieldMapping({ index, fields: '@timestamp' });
        const field = Object.values(mapping)[0]?.mappings['@timestamp']?.mapping['@timestamp'] as
          { type?: string } | undefined;
        assert.equal(field?.type, 'date');
      } finally {
        await sink.close();
        await client.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
        await client.close();
      }
    },
  );
});
