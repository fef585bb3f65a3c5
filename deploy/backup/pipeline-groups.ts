import type { Config } from '../../core/config';

/**
 * The consumer groups whose output is in QuestDB, named as the services name them
 * (processors/processors.ts, processors/topology.ts; a unit test keeps the two in step): the
 * raw-readings sink, the readings topology, the command log and the edge-stats alert rules.
 * The bridge's command relay is left out on purpose: it writes nothing to QuestDB, and moving it
 * back would send meters their commands again.
 */
export function pipelineGroups(config: Config): string[] {
  const prefix = config.string('MF_PROCESSORS_GROUP_ID');
  return [
    config.string('MF_SINK_GROUP_ID'),
    `${prefix}.readings`,
    config.string('MF_COMMAND_LOG_GROUP_ID') || `${prefix}.command-log`,
    `${prefix}.edge-stats-alerts`,
  ];
}
