// The LCL household's files read independently of history-import (the tests' oracle for the
// import and for what is computed from it).

/**
 * The household's half hours: `DateTime` (dd/mm/yyyy HH:MM:SS, GMT) starts the half hour the kWh
 * was used in. Read to the Wh (the file's resolution; seven values carry float noise such as
 * 1.0420001). `Null` is no quantity. Duplicate rows in the file are identical: one per instant.
 */
export function householdHalfHours(text: string): Map<number, number> {
  const wh = new Map<number, number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.split(',');
    if (f.length < 4 || f[3]!.trim() === 'Null') continue;
    const [date, time] = f[2]!.split(' ') as [string, string];
    const [dd, mm, yyyy] = date.split('/').map(Number) as [number, number, number];
    const [hh, mi, ss] = time.split(':').map(Number) as [number, number, number];
    wh.set(Date.UTC(yyyy, mm - 1, dd, hh, mi, ss), Math.round(Number(f[3]) * 1000));
  }
  return wh;
}

/** The schedule: band of the half hour starting at each GMT time of 2013. */
export function scheduleBands(text: string): Map<number, string> {
  const bands = new Map<number, string>();
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [when, band] = line.trim().split(',') as [string, string];
    bands.set(Date.parse(`${when.replace(' ', 'T')}Z`), band);
  }
  return bands;
}
