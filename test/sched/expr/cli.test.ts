import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './helpers';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function run(args: string[], input: string) {
  // node --import tsx is what `npx tsx` runs, without npm's own warnings on stderr.
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/expr.ts', ...args], { cwd: root, input, encoding: 'utf8' });
}

describe('bin/expr.ts', () => {
  it('prints one JSON line per expression with its requirement and rank value', () => {
    // Act
    const r = run(['--host', fixturePath('host.xml')], 'HYPERVISOR = kvm & MAX_CPU > 1000\nFREE_CPU - RUNNING_VMS * 100\nNAME = node*\n\n');
    // Assess
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ expr: 'HYPERVISOR = kvm & MAX_CPU > 1000', bool: true, rank: null, error: null });
    expect(lines[1]).toEqual({ expr: 'FREE_CPU - RUNNING_VMS * 100', bool: null, rank: 1200, error: null });
    expect(lines[2]).toMatchObject({ bool: null, rank: null, error: expect.stringContaining("column 12 near '*'") });
    expect(lines[3]).toEqual({ expr: '', bool: true, rank: 0, error: null });
  }, 60_000);

  it('fails with one line on stderr when the object file is missing or of the wrong kind', () => {
    const missing = run(['--vnet', '/nonexistent.xml'], '');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const wrongKind = run(['--datastore', fixturePath('host.xml')], '');
    expect(wrongKind.status).toBe(1);
    expect(wrongKind.stderr).toContain('expected a DATASTORE element');
  }, 60_000);
});
