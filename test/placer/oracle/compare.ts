/**
 * Runs OpenNebula's rank placer (built outside the repo, see
 * test/placer/fixtures/opennebula/README.md) and svmsched's placer on generated cases and
 * compares their decisions VM by VM, in OpenNebula's dispatch order. The first difference of
 * a case is classified (a tie on rank, or real); later differences of that case follow from
 * it and are counted as a cascade.
 *
 *   taskset -c 1 npx tsx test/placer/oracle/compare.ts --oracle /tmp/oneplace/place \
 *     --from 1 --count 2000 [--xsd] [--random] [--groups] [--fixture test/placer/fixtures/opennebula/cases.json.gz --keep 400]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { place, policyFromConf } from '../../../lib/placer';
import { validate } from '../xsd';
import { firstDifference, parseRankDump, planDecisions, type DiffClass, type Ranked } from './decisions';
import { descendingRequirements, forXsd, generateCase } from './generate';
import { caseHash, dispatchOrder, type FixtureCase } from './fixture';
import { withVmGroups } from './vmGroups';

const { values } = parseArgs({
  options: {
    oracle: { type: 'string', default: '/tmp/oneplace/place' },
    from: { type: 'string', default: '1' },
    count: { type: 'string', default: '100' },
    xsd: { type: 'boolean', default: false },
    fixture: { type: 'string' },
    keep: { type: 'string', default: '400' },
    verbose: { type: 'boolean', default: false },
    random: { type: 'boolean', default: false },
    groups: { type: 'boolean', default: false },
  },
});

const home = mkdtempSync(join(tmpdir(), 'oneplace-'));
mkdirSync(join(home, 'etc/schedulers'), { recursive: true });

function runOracle(request: string, conf: string): { plan: string; ranked: Ranked; dump: string } {
  writeFileSync(join(home, 'etc/schedulers/rank.conf'), conf);
  const r = spawnSync(values.oracle!, [], {
    input: `${Buffer.from(request).toString('base64')}\n`, env: { ...process.env, ONE_LOCATION: home, ORACLE_RANKS: '1' },
    encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`oracle failed (${r.status}): ${r.stderr}`);
  return { plan: r.stdout, ranked: parseRankDump(r.stderr), dump: r.stderr };
}

const counts = { cases: 0, vms: 0, placedByOne: 0, identical: 0, xsdChecked: 0 };
const firstDiff: Record<DiffClass, number> = { 'host-tie': 0, 'ds-tie': 0, 'nic-tie': 0, real: 0 };
const vmDiffs = { first: 0, cascade: 0 };
const kept: FixtureCase[] = [];
const from = Number(values.from);
const keep = Number(values.keep);

for (let seed = from; seed < from + Number(values.count); seed++) {
  const plain = generateCase(seed);
  // --groups: the case with VM groups (needs an oracle built with OpenNebula's VM group code).
  const generated = values.groups ? { ...plain, request: withVmGroups(plain.request, seed) } : plain;
  // Unless --random: REQUIREMENTS lists in descending ID order, so OpenNebula breaks ties as svmsched does (see generate.ts).
  const c = values.random ? generated : { ...generated, request: descendingRequirements(generated.request) };
  if (values.xsd) {
    const v = validate(forXsd(c.request), 'scheduler_driver_action.xsd');
    if (!v.ok) throw new Error(`seed ${seed}: request does not validate: ${JSON.stringify(v)}`);
    counts.xsdChecked++;
  }
  const one = runOracle(c.request, c.conf);
  const oneD = planDecisions(one.plan);
  const ourD = planDecisions(place(c.request, policyFromConf(c.conf)));
  const order = dispatchOrder(c.request);
  counts.cases++;
  counts.vms += order.length;
  counts.placedByOne += oneD.size;
  const first = firstDifference(order, oneD, ourD, one.ranked);
  if (first) {
    firstDiff[first.cls]++;
    vmDiffs.first++;
    vmDiffs.cascade += first.later;
    if (first.cls === 'real' || values.verbose) {
      console.log(`seed ${seed} vm ${first.vm} (${first.cls}): one=${oneD.get(first.vm) ?? 'unplaced'} ours=${ourD.get(first.vm) ?? 'unplaced'}`);
    }
  }
  if (!first) counts.identical++;
  if (values.fixture && kept.length < keep) {
    // A case whose first difference is a tie keeps OpenNebula's priorities for that VM, so the test can check the tie.
    const tieRanks = first ? one.dump.split('\n').filter((l) => l.split(' ')[1] === String(first!.vm)).join('\n') : undefined;
    kept.push({
      seed, sha1: caseHash(c),
      plan: Object.fromEntries([...oneD].map(([vm, d]) => [vm, d])),
      ...(first ? { tie: { vm: first.vm, cls: first.cls }, ranks: tieRanks } : {}),
    });
  }
}

console.log(JSON.stringify({ ...counts, firstDiff, vmDiffs }, null, 1));
if (values.fixture) {
  writeFileSync(values.fixture, gzipSync(JSON.stringify(kept), { level: 9 }));
  console.log(`wrote ${kept.length} cases to ${values.fixture}`);
}
