export { applyReading, advanceWatermark, nextDue, type ApplyStatus } from './leak-detector';
export { createLeakState, type LeakState } from './leak-state';
export { parseLeakConfig, resolveLeakSettings, defaultLeakSettings, burstThresholdLpm, type LeakConfig, type LeakSettings, type LeakSettingsOverride } from './leak-config';
export { nightWindowAfter } from './night-flow';
export type { AlertEvent } from '../../core/streams/alerts';
export { generateScenarioFleet, scoreAlerts, type ScenarioFleet, type ScenarioLabel, type ScenarioOptions, type ScenarioScore, type InjectedKind } from './scenario-fleet';
