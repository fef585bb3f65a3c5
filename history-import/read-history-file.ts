import * as path from 'node:path';
import { truncateText } from '../core/contracts';
import { openFileLines } from './file-lines';
import type { HistoryPlan } from './history-plan';
import type { ResolvedMapping } from './import-mapping';
import { createRowReader } from './row-reader';

/**
 * Reads one file into a plan: its header (when the mapping has one), then every row, read by
 * the mapping; an unreadable row is refused as UNREADABLE_ROW with its text. `onProgress` hears
 * the bytes of the file read so far, every 10,000 lines and at the end.
 */
export async function readHistoryFile(file: string, mapping: ResolvedMapping, plan: HistoryPlan, onProgress?: (bytesRead: number, size: number) => void): Promise<void> {
  const name = path.basename(file);
  const lines = await openFileLines(file);
  const reader = createRowReader(mapping);
  onProgress?.(0, lines.size);
  let sinceProgress = 0;
  for await (const line of lines.lines) {
    if (line.number === 1 && mapping.header) {
      reader.readHeader(line.text);
      continue;
    }
    const outcome = reader.read(line.text);
    const source = { file: name, line: line.number };
    if ('row' in outcome) plan.add(outcome.row, source);
    else if ('problem' in outcome) plan.refuse({ source, reason: 'UNREADABLE_ROW', detail: outcome.problem, payload: truncateText(line.text, 4096), meterId: null });
    if (++sinceProgress === 10_000) {
      sinceProgress = 0;
      onProgress?.(lines.bytesRead(), lines.size);
    }
  }
  onProgress?.(lines.size, lines.size);
}
