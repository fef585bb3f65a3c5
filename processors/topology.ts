import type { KafkaTopicSpec, KafkaTopics } from '../core/contracts';
import type { AlertEvent } from '../core/streams/alerts';
import type { KeyedProcessor } from './runtime/keyed-processor';
import type { ProcessorEvent } from './runtime/processor-event';

/** Where the results of one stream go once their rows are in QuestDB (always their table first). */
export interface StreamRoute<E> {
  /** The topic their records are published to (the stream module's codec); null: the table only. */
  topic: KafkaTopicSpec | null;
  /** Called with the results of each flush once they are durable (at least once), e.g. a webhook. */
  notify?(results: E[]): void;
}

/**
 * The processors that read the readings stream, as one consumer group: each record is decoded
 * once and every reading is handed to every processor in order; what they emit goes where
 * `routes` says, whichever processor emitted it (billing raises alerts like the alerts processor).
 */
export interface ReadingsTopology {
  /** The consumer group on the readings topic. */
  groupId: string;
  input: KafkaTopicSpec;
  /** Processor state is checkpointed per processor under `<stateOwnerPrefix>.<processor name>`. */
  stateOwnerPrefix: string;
  processors: KeyedProcessor<unknown>[];
  routes: {
    'window-results': StreamRoute<Extract<ProcessorEvent, { stream: 'window-results' }>['result']>;
    alerts: StreamRoute<AlertEvent>;
    // Invoices have no topic codec: the API and dashboards read them from QuestDB.
    invoices: StreamRoute<never> & { topic: null };
  };
}

/** The consumer group of the readings topology. */
export function readingsGroupId(groupIdPrefix: string): string {
  return `${groupIdPrefix}.readings`;
}

/** The owner of a processor's rows in processor_state (the name its consumer group had when each processor had one). */
export function processorStateOwner(groupIdPrefix: string, processorName: string): string {
  return `${groupIdPrefix}.${processorName}`;
}

/** meterflow's topology: rolling averages, alerts and billing on the readings; window results and alerts also to Kafka. */
export function createReadingsTopology(options: {
  groupIdPrefix: string;
  topics: KafkaTopics;
  processors: KeyedProcessor<unknown>[];
  onAlerts?: (alerts: AlertEvent[]) => void;
}): ReadingsTopology {
  return {
    groupId: readingsGroupId(options.groupIdPrefix),
    input: options.topics.readings,
    stateOwnerPrefix: options.groupIdPrefix,
    processors: options.processors,
    routes: {
      'window-results': { topic: options.topics.rollups },
      alerts: { topic: options.topics.alerts, ...(options.onAlerts ? { notify: options.onAlerts } : {}) },
      invoices: { topic: null },
    },
  };
}
