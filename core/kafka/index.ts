export * from './kafka-client';
export * from './batching-producer';
