import { loadConfig } from '../../../core/config';
import type { Reading } from '../../../core/contracts';
import type { RawProducer } from '../../../core/kafka';
import { silentLogger } from '../../../core/logger';
import { startProcessors, type Processors } from '../../../processors/processors';
import { processorsOptionsFromConfig } from '../../../processors/processors-options';
import { readingsGroupId } from '../../../processors/topology';
import type { TestPipeline } from './test-services';
import { waitFor } from './wait-for';

/** The stream processors in this process, on the pipeline's topics, with a group of this run. */
export interface TestProcessors {
  processors: Processors;
  producer: RawProducer;
  send(readings: Reading[]): Promise<void>;
  /**
   * Moves every partition's stream time to `ts`: one "tick" reading on each of 60 meters (every
   * partition), received a day from now, so the meters under test go idle on the receive clock
   * and their windows and periods close on the partition's watermark.
   */
  closeThrough(ts: number): Promise<void>;
  /** Waits until the processors' group has consumed every record. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestProcessors(pipeline: TestPipeline, env: Record<string, string> = {}): Promise<TestProcessors> {
  const config = loadConfig({ ...process.env, ...pipeline.env, MF_PROCESSORS_GROUP_ID: `${pipeline.runId}-processors`, MF_PROCESSORS_HTTP_PORT: '0', MF_PROCESSORS_FLUSH_INTERVAL_MS: '100', MF_PROCESSORS_CHECKPOINT_INTERVAL_MS: '1000',
    // Group comparison reads the whole shared rolling_averages table; only its own test turns it up.
    MF_GROUP_COMPARISON_INTERVAL_MS: '3600000',
    ...env,
  });
  const processors = await startProcessors(processorsOptionsFromConfig(config, silentLogger));
  const producer = await pipeline.kafka.createProducer();
  const send = async (readings: Reading[]) => {
    for (let i = 0; i < readings.length; i += 5000) {
      await producer.sendBatch(readings.slice(i, i + 5000).map((r) => ({ topic: pipeline.topics.readings.name, key: r.meterId, value: JSON.stringify(r) })));
    }
  };
  return {
    processors,
    producer,
    send,
    async closeThrough(ts) {
      const received = Date.now() + 86_400_000;
      await send(Array.from({ length: 60 }, (_, k) => waterReading(`${pipeline.runId}-tick-${k}`, ts, { value: 0, receivedAt: received })));
    },
    async caughtUp(timeoutMs = 240_000) {
      await waitFor('processors caught up', () => pipeline.kafka.groupLag(readingsGroupId(`${pipeline.runId}-processors`), pipeline.topics.readings.name), (lag) => lag === 0, timeoutMs, 300);
    },
    async stop() {
      await producer.disconnect();
      await processors.stop();
    },
  };
}

export function waterReading(meterId: string, ts: number, fields: Partial<Reading>): Reading {
  return { meterId, kind: 'water', ts, value: null, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: null, receivedAt: ts, ...fields };
}
