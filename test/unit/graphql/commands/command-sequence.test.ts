import { createCommandSequence } from '../../../../graphql/commands/command-sequence';

describe('createCommandSequence', () => {
  it('follows the clock (ms × 1000 + a sub-millisecond part), so a restarted process continues above its predecessor', () => {
    let t = 1_800_000_000_000;
    const before = createCommandSequence(() => t, () => 0.999).next();
    t += 1;
    const restarted = createCommandSequence(() => t, () => 0).next();
    expect(before).toBe(1_800_000_000_000_999);
    expect(restarted).toBeGreaterThan(before);
    expect(Number.isSafeInteger(restarted)).toBe(true);
  });

  it('never repeats or goes back within a process, even in one millisecond or with the clock stepping back', () => {
    let t = 1_800_000_000_000;
    const sequence = createCommandSequence(() => t, () => 0.5);
    const seen = [sequence.next(), sequence.next(), sequence.next()];
    t -= 60_000; // NTP steps the clock back a minute
    seen.push(sequence.next());
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });
});
