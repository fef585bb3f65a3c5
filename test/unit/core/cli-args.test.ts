import { parseFlags, splitFlagsAndFiles, type FlagSpec } from '../../../core/cli-args';

const flags: FlagSpec[] = [
  { name: 'preset', kind: 'string', description: 'a preset' },
  { name: 'rate', kind: 'int', description: 'a rate' },
  { name: 'dry-run', kind: 'bool', description: 'a switch' },
];

describe('splitFlagsAndFiles', () => {
  it('keeps each flag with its value, in either form, and leaves the rest as files in order', () => {
    const argv = ['a.csv', '--preset', 'daiad', '--dry-run', 'b.csv.gz', '--rate=5', 'c.csv'];
    const { flagArgs, files } = splitFlagsAndFiles(argv, flags);
    expect(flagArgs).toEqual(['--preset', 'daiad', '--dry-run', '--rate=5']);
    expect(files).toEqual(['a.csv', 'b.csv.gz', 'c.csv']);
    expect(parseFlags(flagArgs, flags)).toMatchObject({ preset: 'daiad', 'dry-run': true, rate: 5 });
  });

  it('a boolean flag never takes the next argument, and a value flag last on the line keeps none', () => {
    expect(splitFlagsAndFiles(['--dry-run', 'x.csv'], flags)).toEqual({ flagArgs: ['--dry-run'], files: ['x.csv'] });
    expect(splitFlagsAndFiles(['x.csv', '--preset'], flags)).toEqual({ flagArgs: ['--preset'], files: ['x.csv'] });
    // An unknown flag is passed on for parseFlags to refuse by name; the argument after it stays a file.
    expect(splitFlagsAndFiles(['--nope', 'x.csv'], flags)).toEqual({ flagArgs: ['--nope'], files: ['x.csv'] });
  });
});

describe('parseFlags', () => {
  it('splits --name=value at the first = only, so a value may hold one', () => {
    expect(parseFlags(['--preset=a=b', '--rate=7'], flags)).toMatchObject({ preset: 'a=b', rate: 7 });
    expect(parseFlags(['--preset', 'x=y'], flags)).toMatchObject({ preset: 'x=y' });
  });
});
