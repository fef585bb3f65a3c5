export { alertId, alertRuleKinds, alertSeverities, alertStates, type AlertEvent, type AlertEvidence, type AlertRuleKind, type AlertSeverity, type AlertState } from '../../core/streams/alerts';
export { parseAlertRulesConfig, rulesFor, defaultAlertRules, registerAnomalies, type AlertRule, type AlertRulesConfig, type RegisterAnomaly } from './rule-config';
export { createRuleState, type MeterRuleState } from './rule-state';
export { applyRuleInput, advanceRuleWatermark, nextRuleDue, type RuleInput, type RuleApplyStatus } from './rule-engine';
export { applyGroupInput, createGroupState, fleetGroup, type GroupInput, type GroupState, type GroupWindowInput, type MeterWindowInput } from './group-average-rule';
export type { BillInput } from './bill-variation-rule';
export type { RegisterEventInput } from './register-anomaly-rule';
export { createWebhookNotifier, formatWebhookPayload, type AlertNotifier, type FetchLike, type WebhookOptions, type WebhookPayload } from './webhook-notifier';
