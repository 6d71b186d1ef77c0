/**
 * The capacity tenants share: every host the planner may place on (enabled and monitored), in
 * the job service's units (CPU as the jobs ask it, which svmsched sets to their vCPU; MB).
 * A tenant's guarantee is its share of this, in both resources (DRF's dominant-resource
 * accounting compares each tenant's larger fraction).
 */
import { hostCapacity } from '../capacity';
import { SCHEDULABLE, type Snapshot } from '../snapshot';

export interface CloudCapacity {
  /** CPUs. */
  readonly cpu: number;
  readonly memoryMb: number;
}

export function cloudCapacity(snapshot: Snapshot, applyReserved: boolean): CloudCapacity {
  const clusters = new Map(snapshot.clusters.map((c) => [c.id, c]));
  let cpu = 0;
  let mem = 0;
  for (const h of snapshot.hosts) {
    if (!SCHEDULABLE.has(h.state)) continue;
    const cap = hostCapacity(h, clusters.get(h.clusterId), applyReserved);
    cpu += cap.maxCpu;
    mem += cap.maxMem;
  }
  // OpenNebula's units (CPU×100, KB) to the jobs'.
  return { cpu: cpu / 100, memoryMb: mem / 1024 };
}
