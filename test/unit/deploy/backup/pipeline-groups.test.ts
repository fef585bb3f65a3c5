import { loadConfig } from '../../../../core/config';
import { pipelineGroups } from '../../../../deploy/backup/pipeline-groups';
import { readingsGroupId } from '../../../../processors/topology';

describe('pipelineGroups', () => {
  it('names the groups as the services do', () => {
    const config = loadConfig({ MF_SINK_GROUP_ID: 'sink-a', MF_PROCESSORS_GROUP_ID: 'proc-a' });
    expect(pipelineGroups(config)).toEqual(['sink-a', readingsGroupId('proc-a'), 'proc-a.command-log', 'proc-a.edge-stats-alerts']);
  });

  it('takes the command log group from MF_COMMAND_LOG_GROUP_ID when set', () => {
    expect(pipelineGroups(loadConfig({ MF_COMMAND_LOG_GROUP_ID: 'log-b' }))).toContain('log-b');
  });
});
