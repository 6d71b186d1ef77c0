/**
 * The preemption indexes of a host group (groups.ts): the room each host would have with its
 * beff jobs gone, searchable without a scan, as preempt.ts asks for it. Two per group, built
 * when a job of the group first needs preemption:
 *
 *  - room:    per host running two or more beff jobs, its free room plus all their room;
 *  - singles: each beff job on the group's hosts as a lone victim, in tie-breaker order, with
 *             the room its host would have with that job alone gone.
 *
 * The indexes follow the ledger as the group's trees do, lazily: a changed host is marked in
 * the indexes that hold it and recomputed when a preemption search next reads them (most
 * placements need no preemption, and a host changed many times is then updated once).
 */
import { cpuShare, memoryKb } from './capacity';
import type { RunningJob } from './contract';
import type { HostGroup } from './groups';
import type { Ledger } from './ledger';
import { StaticHostTree } from './staticHostTree';
import { HostMarks } from './hostMarks';

/** A group's lone victims: leaf k of `tree` is `victims[k]`, its room that of the victim's host without it. */
export interface SinglesIndex {
  readonly tree: StaticHostTree;
  readonly victims: readonly RunningJob[];
  readonly leavesOfHost: ReadonlyMap<number, readonly number[]>;
}

/** One group's indexes and the leaves (the group's) whose host changed since they were last brought up to date. */
interface GroupRoom {
  readonly group: HostGroup;
  room?: StaticHostTree;
  singles?: SinglesIndex;
  readonly pending: number[];
  readonly dirty: Uint8Array;
}

const NO_JOBS: readonly RunningJob[] = Object.freeze([]);

export class PreemptionIndex {
  /** The beff jobs still running on each host (by ledger index), cheapest victim first. */
  private beffLists: (readonly RunningJob[])[];
  /** All of them in tie-breaker order (the order of a group's lone victims). */
  private beffOrdered: readonly RunningJob[];
  private readonly rooms = new Map<HostGroup, GroupRoom>();
  /** The indexed groups' leaves on each host: a host that changed is marked in each, recomputed when next read (`upToDate`). */
  private readonly marks = new HostMarks<GroupRoom>();
  /** Scratch results of `singleRoom` and `roomOf`: two numbers and no object per call, as these run on every host change. */
  private cpu = 0;
  private mem = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly maxHost: number,
    byHost: ReadonlyMap<number, readonly RunningJob[]>,
    ordered: readonly RunningJob[],
  ) {
    this.beffLists = ledger.hosts.map((_, i) => byHost.get(i) ?? NO_JOBS);
    this.beffOrdered = ordered;
    ledger.onHostChange((i) => this.marks.mark(i));
  }

  /** The beff jobs still running on a host (ledger index), cheapest victim first. */
  beffOn(i: number): readonly RunningJob[] {
    return this.beffLists[i] ?? NO_JOBS;
  }

  /** Some beff jobs on a host were preempted: `remaining` still run there. */
  setBeffOn(i: number, remaining: readonly RunningJob[]): void {
    this.beffLists[i] = remaining;
  }

  /** No job left can preempt: the indexes need no more upkeep. */
  drop(): void {
    this.beffLists = [];
    this.beffOrdered = NO_JOBS;
    this.rooms.clear();
    this.marks.clear();
  }

  /** The group's room tree (leaves are the group's), up to date. */
  roomTree(group: HostGroup): StaticHostTree {
    const gr = this.upToDate(group);
    if (!gr.room) {
      const room = new StaticHostTree(group.hosts.length);
      group.hosts.forEach((i, leaf) => {
        this.roomOf(i);
        room.setRaw(leaf, this.cpu, this.mem, 0);
      });
      room.build();
      gr.room = room;
    }
    return gr.room;
  }

  /** The group's lone-victim index, up to date. */
  singles(group: HostGroup): SinglesIndex {
    const gr = this.upToDate(group);
    if (!gr.singles) {
      const victims = this.beffOrdered.filter((v) => {
        const i = this.ledger.hostIndexById.get(v.hostId);
        return i !== undefined && group.leafOf[i] >= 0;
      });
      const tree = new StaticHostTree(victims.length);
      const leavesOfHost = new Map<number, number[]>();
      victims.forEach((v, leaf) => {
        const i = this.ledger.hostIndexById.get(v.hostId)!;
        const leaves = leavesOfHost.get(i);
        if (leaves) leaves.push(leaf);
        else leavesOfHost.set(i, [leaf]);
        this.singleRoom(i, v);
        tree.setRaw(leaf, this.cpu, this.mem, -leaf);
      });
      tree.build();
      gr.singles = { tree, victims, leavesOfHost };
    }
    return gr.singles;
  }

  /** Puts a lone victim's leaf a search had turned down back (StaticHostTree.firstAccepted), with the room its host now has without it. */
  restoreSingle(singles: SinglesIndex, leaf: number): void {
    const v = singles.victims[leaf];
    this.singleRoom(this.ledger.hostIndexById.get(v.hostId)!, v);
    singles.tree.set(leaf, this.cpu, this.mem);
  }

  /** The group's indexes (registered on first use), with every host changed since brought up to date. */
  private upToDate(group: HostGroup): GroupRoom {
    let gr = this.rooms.get(group);
    if (!gr) {
      gr = { group, pending: [], dirty: new Uint8Array(group.hosts.length) };
      this.rooms.set(group, gr);
      this.marks.register(gr, group.hosts);
      return gr;
    }
    for (const leaf of gr.pending) {
      gr.dirty[leaf] = 0;
      const i = group.hosts[leaf];
      if (gr.room) {
        this.roomOf(i);
        gr.room.set(leaf, this.cpu, this.mem);
      }
      const singles = gr.singles?.leavesOfHost.get(i);
      if (singles) {
        for (const single of singles) {
          this.singleRoom(i, gr.singles!.victims[single]);
          gr.singles!.tree.set(single, this.cpu, this.mem);
        }
      }
    }
    gr.pending.length = 0;
    return gr;
  }

  /** Room a host would have with this one victim gone (none when the victim is gone or the host is at MAX_HOST), in cpu/mem. */
  private singleRoom(i: number, v: RunningJob): void {
    if (!this.beffOn(i).includes(v) || this.atLimit(i)) {
      this.cpu = -Infinity;
      this.mem = -Infinity;
    } else {
      this.cpu = this.ledger.freeCpu(i) + cpuShare(v.cpu);
      this.mem = this.ledger.freeMem(i) + memoryKb(v.memoryMb);
    }
  }

  /**
   * Room a host would have with all its beff jobs gone, in cpu/mem; none for a host with fewer
   * than two (lone victims have their own index, searched first).
   */
  private roomOf(i: number): void {
    const beff = this.beffOn(i);
    this.cpu = -Infinity;
    this.mem = -Infinity;
    if (beff.length < 2 || this.atLimit(i)) return;
    let cpu = this.ledger.freeCpu(i);
    let mem = this.ledger.freeMem(i);
    for (const v of beff) {
      cpu += cpuShare(v.cpu);
      mem += memoryKb(v.memoryMb);
    }
    this.cpu = cpu;
    this.mem = mem;
  }

  /** The host reached MAX_HOST dispatches in this plan: no room there, whoever leaves. */
  private atLimit(i: number): boolean {
    return this.maxHost > 0 && this.ledger.hosts[i].dispatched >= this.maxHost;
  }
}
