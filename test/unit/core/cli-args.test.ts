import { describeFlags, parseCommandLine, parseFlags, splitFlagsAndFiles, type FlagSpec } from '../../../core/cli-args';

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

describe('parseFlags on node:util parseArgs (strict)', () => {
  const specs: FlagSpec[] = [
    { name: 'rate', kind: 'int', default: '20', description: 'a rate' },
    { name: 'order', kind: 'string', oneOf: ['time', 'meter'], default: 'time', description: 'an order' },
    { name: 'json', kind: 'bool', description: 'a switch' },
    { name: 'name', kind: 'string', description: 'a name' },
  ];
  const refusal = (argv: string[]) => {
    try {
      parseFlags(argv, specs);
    } catch (error) {
      return { code: (error as { code?: string }).code, message: (error as Error).message };
    }
    return null;
  };

  it('applies defaults, reads ints as numbers and switches as true', () => {
    expect(parseFlags([], specs)).toEqual({ rate: 20, order: 'time' });
    expect(parseFlags(['--rate', '0', '--json', '--order=meter'], specs)).toEqual({ rate: 0, order: 'meter', json: true });
    expect(parseFlags(['--rate=9007199254740991'], specs).rate).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an int that is not a non-negative safe integer, naming the flag and the value', () => {
    for (const bad of ['-1', '1.5', '1e3', 'ten', '', '9007199254740992', ' 7']) {
      expect(refusal([`--rate=${bad}`])).toEqual({ code: 'CONFIG_INVALID', message: `--rate must be a non-negative integer; got "${bad}"` });
    }
  });

  it('refuses a value outside oneOf, listing the allowed ones', () => {
    expect(refusal(['--order', 'random'])).toEqual({ code: 'CONFIG_INVALID', message: '--order must be one of time, meter; got "random"' });
  });

  it('names an unknown flag, a missing value, a value given to a switch and a stray argument', () => {
    expect(refusal(['--nope'])).toEqual({ code: 'CONFIG_INVALID', message: 'unknown flag --nope (see --help)' });
    expect(refusal(['-x'])).toEqual({ code: 'CONFIG_INVALID', message: 'unknown flag -x (see --help)' });
    expect(refusal(['--name'])).toEqual({ code: 'CONFIG_INVALID', message: '--name needs a value (see --help)' });
    // A value flag followed by another flag does not swallow it.
    expect(refusal(['--name', '--json'])).toEqual({ code: 'CONFIG_INVALID', message: '--name needs a value (see --help)' });
    expect(refusal(['--json=yes'])).toEqual({ code: 'CONFIG_INVALID', message: '--json takes no value (see --help)' });
    expect(refusal(['file.csv'])).toEqual({ code: 'CONFIG_INVALID', message: 'unexpected argument "file.csv" (see --help)' });
  });

  it('keeps everything after the first = of --a=b=c, and a value that starts with a dash given inline', () => {
    expect(parseFlags(['--name=a=b=c'], specs).name).toBe('a=b=c');
    expect(parseFlags(['--name=--max-semi-space-size=64'], specs).name).toBe('--max-semi-space-size=64');
  });

  it('parseCommandLine returns the other arguments in order when they are allowed, and -- ends the flags', () => {
    expect(parseCommandLine(['a.csv', '--json', 'b.csv', '--', '--rate'], specs, { positionals: true })).toEqual({ flags: { rate: 20, order: 'time', json: true }, positionals: ['a.csv', 'b.csv', '--rate'] });
  });
});

describe('describeFlags', () => {
  it('one row per flag: name, value shape, description and default', () => {
    const rows = describeFlags([
      { name: 'rate', kind: 'int', default: '20', description: 'a rate' },
      { name: 'order', kind: 'string', oneOf: ['time', 'meter'], description: 'an order' },
      { name: 'json', kind: 'bool', description: 'a switch' },
    ]).split('\n');
    expect(rows).toEqual([
      // Padded to the longest left column (20), then two spaces.
      '  --rate <n>            a rate (default 20)',
      '  --order <time|meter>  an order',
      '  --json                a switch',
    ]);
  });
});
