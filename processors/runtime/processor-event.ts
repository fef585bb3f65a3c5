import { alertToRow, type AlertEvent } from '../../core/streams/alerts';
import { invoiceToRows, type InvoiceLineRow, type InvoiceRow } from '../../core/streams/invoices';
import { rollingAverageToRow, rollupToRow, type WindowResult } from '../../core/streams/window-results';
import type { TableRow } from '../../core/questdb/table-row';

/**
 * What a processor produces: a domain result of one stream, never a table row or a topic
 * record. Where each goes (table, topic, webhook) is the topology's business (processors/topology.ts);
 * how it is stored is its stream module's (core/streams).
 */
export type ProcessorEvent =
  | { stream: 'alerts'; alert: AlertEvent }
  | { stream: 'window-results'; result: WindowResult }
  | { stream: 'invoices'; invoice: InvoiceRow; lines: InvoiceLineRow[] };

export type ProcessorEventStream = ProcessorEvent['stream'];

/** The rows an event is stored as, by its stream's row codec. */
export function eventRows(event: ProcessorEvent): TableRow[] {
  switch (event.stream) {
    case 'alerts':
      return [alertToRow(event.alert)];
    case 'window-results':
      return [event.result.kind === 'rolling-average' ? rollingAverageToRow(event.result.value) : rollupToRow(event.result.value)];
    case 'invoices':
      return invoiceToRows(event.invoice, event.lines);
  }
}

/** The Kafka key of an event's record: its meter, or the scope of a sector/fleet rollup (so each keeps its order). */
export function eventKey(event: ProcessorEvent): string {
  switch (event.stream) {
    case 'alerts':
      return event.alert.meterId;
    case 'window-results':
      return event.result.kind === 'rolling-average' ? event.result.value.meterId : event.result.value.scopeId;
    case 'invoices':
      return event.invoice.meter_id;
  }
}
