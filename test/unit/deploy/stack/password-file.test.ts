import { assemblePasswordFile, mergePasswordEntries, parsePasswordFile, renderPasswordFile } from '../../../../deploy/stack/password-file';

const line = (user: string, salt = 'salt') => `${user}:$7$101$${salt}$hash==`;

describe('Mosquitto password files', () => {
  it('parses user:hash lines, skipping blanks, comments and lines without a user', () => {
    const text = ['# comment', '', line('a'), '  ', ':nouser', 'garbage', line('b'), ''].join('\n');
    expect([...parsePasswordFile(text).entries()]).toEqual([
      ['a', line('a')],
      ['b', line('b')],
    ]);
  });

  it('renders one line per account with a final newline, and nothing for no accounts', () => {
    expect(renderPasswordFile(parsePasswordFile(`${line('a')}\n${line('b')}`))).toBe(`${line('a')}\n${line('b')}\n`);
    expect(renderPasswordFile(new Map())).toBe('');
  });

  it('merges a re-provisioned meter in place and appends new ones (idempotent provisioning)', () => {
    const existing = parsePasswordFile([line('m1'), line('m2'), line('m3')].join('\n'));
    const updates = parsePasswordFile([line('m2', 'new'), line('m4')].join('\n'));
    expect([...mergePasswordEntries(existing, updates).values()]).toEqual([line('m1'), line('m2', 'new'), line('m3'), line('m4')]);
    // The inputs are left alone.
    expect(existing.get('m2')).toBe(line('m2'));
  });

  it('assembles service accounts first, then meters, and never lets a meter entry replace a service account', () => {
    const service = `${line('meterflow-bridge')}\n${line('meterflow-fleet')}\n`;
    const meters = `${line('m1')}\n${line('meterflow-bridge', 'evil')}\n${line('m2')}`;
    expect(assemblePasswordFile(service, meters)).toBe([line('meterflow-bridge'), line('meterflow-fleet'), line('m1'), line('m2'), ''].join('\n'));
  });

  it('assembles from missing (empty) parts', () => {
    expect(assemblePasswordFile('', '')).toBe('');
    expect(assemblePasswordFile('', line('m1'))).toBe(`${line('m1')}\n`);
    expect(assemblePasswordFile(line('svc'), '')).toBe(`${line('svc')}\n`);
  });
});
