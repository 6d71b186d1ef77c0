/**
 * The import graph keeps its layers (.dependency-cruiser.cjs, ARCHITECTURE.md): no import points
 * up, none goes round in a circle, the planner imports no Node module or package. The rules are
 * run on the repository as it is, and on a small tree that breaks each of them, so a rule that
 * stopped matching would be seen.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function cruise(cwd: string, paths: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'err', ...paths], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('import layers', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'svmsched-layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the repository has no upward import, no circle and a pure planner', () => {
    // Act
    const { status, out } = cruise(ROOT, ['lib', 'functions', 'bin', 'local', 'bench', 'test']);

    // Assess
    expect(out).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('names each broken rule on a tree that breaks them', () => {
    // Prepare: the planner reaching up into the store and out to node:fs, the store into the job service, and a circle.
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'bundler' } }),
      'lib/sched/plan.ts': "import { jobs } from '../store/jobs';\nimport { readFileSync } from 'node:fs';\nexport const plan = [jobs, readFileSync];\n",
      'lib/store/jobs.ts': "import type { Service } from '../jobs/service';\nexport const jobs: Service[] = [];\n",
      'lib/jobs/service.ts': "export interface Service { id: string }\n",
      'lib/one/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'lib/one/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }

    // Act
    const { status, out } = cruise(scratch, ['lib']);

    // Assess
    expect(status).not.toBe(0);
    expect(out).toMatch(/layer-sched: lib\/sched\/plan\.ts → lib\/store\/jobs\.ts/);
    expect(out).toMatch(/layer-store: lib\/store\/jobs\.ts → lib\/jobs\/service\.ts/);
    expect(out).toMatch(/pure-planner: lib\/sched\/plan\.ts → fs/);
    expect(out).toMatch(/no-circular: lib\/one\/a\.ts/);
  });
});
