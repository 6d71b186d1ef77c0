/**
 * The simulator answers as a real oned does: every call recorded against OpenNebula 7 (with its
 * dummy drivers) by test/conformance/record.ts is replayed against the simulator in the same
 * state, and the answers are compared field by field, ids and times aside.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRecording, replay } from '../conformance/replay';
import { schemaBound } from '../conformance/compare';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/oned');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('the simulator against recorded oned answers', () => {
  it('has recordings to compare with', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(`answers ${file} as oned did`, { timeout: 120_000 }, async () => {
      const rec = loadRecording(path.join(DIR, file));
      const { differences, calls } = await replay(rec);
      expect(calls).toBe(rec.exchanges.length);
      expect(differences.filter((d) => !schemaBound(d))).toEqual([]);
    });
  }
});
