export * from './meter-kind';
export * from './wire-fields';
export * from './reading-ranges';
export * from './rejection';
export * from './timestamp';
export * from './mqtt-topics';
export * from './kafka-topics';
export * from './questdb-tables';
export * from './device-message';
export * from './command';
// The streams' wire schemas and records, under the names every service has always imported from here.
export { wireReadingSchema, wireBatchSchema, type WireReading, type Reading } from '../streams/readings';
export { wireEdgeStatsSchema, type WireEdgeStats, type EdgeStats } from '../streams/edge-statistics';
export { createDeadLetter, deadLetterKey, deadLetterLimits, deadLetterPayloadLimit, maxDeadLetterBytes, type DeadLetter } from '../streams/dead-letters';
