/**
 * svmsched's placer against OpenNebula's own rank placer: 1,000 generated requests (about
 * 22,000 VMs), and 500 more with VM groups, with the PLAN OpenNebula's placer wrote for each
 * (see fixtures/opennebula/README.md). Every VM must get OpenNebula's decision (host, datastore,
 * networks, or none). Ties are explicit: where OpenNebula ranks two candidates equal it takes
 * them in an order of its own (std::sort of the REQUIREMENTS list), so a case may first differ
 * at a VM whose two hosts OpenNebula's own priorities tie; the fixture names that VM, the test
 * checks the tie, and the rest of that case (which follows from it) is not compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { place, policyFromConf } from '../../lib/placer';
import { firstDifference, parseRankDump, planDecisions } from './oracle/decisions';
import { caseHash, dispatchOrder, type FixtureCase } from './oracle/fixture';
import { descendingRequirements, generateCase } from './oracle/generate';
import { withVmGroups } from './oracle/vmGroups';

const readCases = (file: string): FixtureCase[] =>
  JSON.parse(gunzipSync(readFileSync(join(import.meta.dirname, 'fixtures/opennebula', file))).toString('utf8'));

/** The generated case, with VM groups added for the VM-group fixture (compare.ts --groups). */
function regenerate(seed: number, groups: boolean): { request: string; conf: string } {
  const c = generateCase(seed);
  return { request: descendingRequirements(groups ? withVmGroups(c.request, seed) : c.request), conf: c.conf };
}

const CHUNK = 250;
const FIXTURES = [
  { name: 'plain', file: 'cases.json.gz', groups: false, min: 1000 },
  { name: 'with VM groups', file: 'vmgroups.json.gz', groups: true, min: 500 },
] as const;

describe.each(FIXTURES)('place agrees with OpenNebula’s rank placer ($name)', ({ file, groups, min }) => {
  const cases = readCases(file);
  const chunks = Array.from({ length: Math.ceil(cases.length / CHUNK) }, (_, k) => cases.slice(k * CHUNK, (k + 1) * CHUNK));

  it('has the recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(min);
  });

  // Chunks keep each test well inside the timeout on a slow CI core.
  it.each(chunks.map((chunk) => [`${chunk[0].seed}–${chunk[chunk.length - 1].seed}`, chunk] as const))(
    'seeds %s: OpenNebula’s decision for every VM, or a first difference on a tie of OpenNebula’s own priorities',
    (_name, chunk) => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      let compared = 0;
      for (const c of chunk) {
        // Prepare
        const { request, conf } = regenerate(c.seed, groups);
        const one = new Map(Object.entries(c.plan).map(([vm, d]) => [Number(vm), d]));
        // Act
        const ours = planDecisions(place(request, policyFromConf(conf)));
        // Assess (collected, so a failure lists every case at once)
        const order = dispatchOrder(request);
        const first = firstDifference(order, one, ours, parseRankDump(c.ranks ?? ''));
        compared += first ? order.indexOf(first.vm) : order.length;
        outcomes.push(`${c.seed}: ${caseHash({ request, conf }) === c.sha1 ? '' : 'generator changed, '}${first ? `vm ${first.vm} ${first.cls}` : 'same'}`);
        expected.push(`${c.seed}: ${c.tie ? `vm ${c.tie.vm} ${c.tie.cls}` : 'same'}`);
      }
      expect(outcomes).toEqual(expected);
      expect(outcomes.filter((o) => o.endsWith('real'))).toEqual([]);
      expect(compared).toBeGreaterThan(4_000);
    },
  );
});
