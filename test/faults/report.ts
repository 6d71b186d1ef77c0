/** The counts the fault suite prints at its end, in one block. */
import type { FaultLog } from './faultLog';
import type { TickDriver } from './tickDriver';
import type { Verdict } from './verdict';

export function report(o: { size: string; seconds: { faults: number; total: number }; faults: FaultLog; ticks: TickDriver; verdict: Verdict; repairs: ReadonlyMap<string, number> }): string {
  const { verdict: v, faults, ticks } = o;
  const line = (label: string, value: string | number) => `  ${label.padEnd(30)} ${value}`;
  const list = (m: ReadonlyMap<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => line(`  ${k}`, n));
  return [
    `── svmsched fault suite (${o.size} size: ${o.seconds.faults.toFixed(0)} s of faults, ${o.seconds.total.toFixed(0)} s in all) ──`,
    line('faults injected', faults.total),
    ...list(faults.counts),
    line('ticks started by the suite', `${ticks.started} (${ticks.bursts} bursts of concurrent ticks)`),
    ...list(new Map([...ticks.outcomes].map(([k, n]) => [`tick ${k}`, n]))),
    line('repairs logged by svmsched', [...o.repairs.values()].reduce((a, b) => a + b, 0)),
    ...list(o.repairs),
    line('jobs submitted', v.submitted),
    line('jobs completed', `${v.completed} (${v.completed - v.completedUnconfirmed.length} confirmed by guest output)`),
    line('jobs failed (after retries)', v.failed),
    ...list(v.failReasons),
    line('preemptions', `${v.preemptions} (VMs the simulator saw saved: ${v.vmsPreempted})`),
    line('jobs in another final state', v.otherFinal.length),
    line('jobs lost', v.lost.length),
    line('double runs', v.doubleRuns.length),
    line('jobs placed twice (not run)', v.placedTwice.length),
    line('orphan VMs', v.orphanVms.length),
    line('VMs of no submitted job', v.strangerVms.length),
    line('capacity violations', v.capacityViolations),
    line('VMs created', v.vms),
  ].join('\n');
}
