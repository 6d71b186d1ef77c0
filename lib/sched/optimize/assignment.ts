/**
 * Where every VM of a problem is during the search, and what that leaves: per-host loads on
 * each metric, room, migrations into each host, and the migrations so far.
 *
 * Room during a plan (design note), two rules:
 *   - booked (the default, as the tick runs its migrations): a migrating VM is counted on both
 *     hosts until the move is over (oned and the simulator book it on the target at once and free
 *     the source at the end), and the plan's migrations run together, so the room a VM leaves
 *     behind is never offered to another VM in the same plan. Undoing a move gives back the room
 *     it took on its target.
 *   - final (`finalPlacement`): only the placement the plan ends in must fit, as one_drs's ILP
 *     states it (each host's VMs within its capacity, nothing about the steps) and as oned runs
 *     an OPTIMIZE plan (its PlanManager migrates with capacity enforcement off). A move frees its
 *     source and books its target; a move may be taken back only where its VM still fits at home
 *     (`canUndo`), since another VM may have taken the room it left.
 */
import type { Problem } from './problem';

export interface Move {
  readonly v: number;
  readonly from: number;
  readonly to: number;
}

export class Assignment {
  readonly where: Int32Array;
  readonly loads: Float64Array;
  readonly freeCpu: Float64Array;
  readonly freeMem: Float64Array;
  readonly inbound: Int32Array;
  /** VMs on each host (counted for pack: a host with none is not used). */
  readonly count: Int32Array;
  readonly moves: Move[] = [];
  readonly moved: Uint8Array;
  private readonly localUsed = new Map<number, number>();
  readonly M: number;

  constructor(readonly problem: Problem, readonly finalPlacement = false) {
    const H = problem.hosts.length;
    const M = problem.metrics.length;
    this.M = M;
    this.where = new Int32Array(problem.vms.length);
    this.loads = new Float64Array(H * M);
    this.count = new Int32Array(H);
    this.inbound = new Int32Array(H);
    this.moved = new Uint8Array(problem.vms.length);
    this.freeCpu = Float64Array.from(problem.freeCpu);
    this.freeMem = Float64Array.from(problem.freeMem);
    problem.vms.forEach((p, v) => {
      this.where[v] = p.home;
      this.count[p.home]!++;
      for (let m = 0; m < M; m++) this.loads[p.home * M + m]! += this.share(v, p.home, m);
    });
  }

  /** VM v's contribution to host h's load on metric m. */
  share(v: number, h: number, m: number): number {
    const total = this.problem.totals[h * this.M + m]!;
    return total > 0 ? this.problem.vms[v]!.metrics[m]! / total : 0;
  }

  /** Whether VM v (not moved yet) can go to host h now: allowed, a free slot, room, local datastore space. */
  canMove(v: number, h: number, maxPerHost: number): boolean {
    const p = this.problem.vms[v]!;
    if (this.moved[v] || this.inbound[h]! >= maxPerHost) return false;
    if (this.freeCpu[h]! < p.cpu || this.freeMem[h]! < p.mem) return false;
    if (!this.problem.allowed(v, h)) return false;
    if (p.hostLocalDs) {
      // The placer's rule for host-local datastores: strictly less than what is free.
      const dsId = p.vm.datastoreId!;
      if (!(p.localDisk < this.problem.localFree(h, dsId) - (this.localUsed.get(key(h, dsId)) ?? 0))) return false;
    }
    return true;
  }

  /** Whether the move of VM v can be taken back: always with booked room; with final room, while it still fits at home. */
  canUndo(v: number): boolean {
    if (!this.finalPlacement || !this.moved[v]) return true;
    const p = this.problem.vms[v]!;
    const home = p.home;
    if (this.freeCpu[home]! < p.cpu || this.freeMem[home]! < p.mem) return false;
    if (p.hostLocalDs) {
      const dsId = p.vm.datastoreId!;
      if (!(p.localDisk < this.problem.localFree(home, dsId) - (this.localUsed.get(key(home, dsId)) ?? 0))) return false;
    }
    return true;
  }

  move(v: number, to: number): void {
    const from = this.where[v]!;
    this.relocate(v, from, to, +1);
    this.moves.push({ v, from, to });
    this.moved[v] = 1;
  }

  /** Takes back the move of VM v (any position in the list). */
  undo(v: number): void {
    const i = this.moves.findIndex((m) => m.v === v);
    const mv = this.moves[i]!;
    this.relocate(v, mv.to, mv.from, -1);
    this.moves.splice(i, 1);
    this.moved[v] = 0;
  }

  private relocate(v: number, from: number, to: number, sign: 1 | -1): void {
    const p = this.problem.vms[v]!;
    const M = this.M;
    for (let m = 0; m < M; m++) {
      this.loads[from * M + m]! -= this.share(v, from, m);
      this.loads[to * M + m]! += this.share(v, to, m);
    }
    this.count[from]!--;
    this.count[to]!++;
    this.where[v] = to;
    // Forward: the target's room is booked; backward (undo): the room booked on `from` (the old target) comes back.
    const target = sign > 0 ? to : from;
    this.book(p, target, sign);
    this.inbound[target]! += sign;
    // Final room: the host the VM leaves gets its room back (and loses it again on undo).
    if (this.finalPlacement) this.book(p, sign > 0 ? from : to, -sign);
  }

  private book(p: Problem['vms'][number], h: number, sign: number): void {
    this.freeCpu[h]! -= sign * p.cpu;
    this.freeMem[h]! -= sign * p.mem;
    if (p.hostLocalDs) {
      const k = key(h, p.vm.datastoreId!);
      this.localUsed.set(k, (this.localUsed.get(k) ?? 0) + sign * p.localDisk);
    }
  }
}

const key = (h: number, ds: number) => h * 1_000_003 + ds;
