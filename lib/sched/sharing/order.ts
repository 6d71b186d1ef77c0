/**
 * Fair order: prod before beff as today; within a class, the next job is the first (in today's
 * order: priority, age, id) of the tenant furthest below its share (TenantBook.key: its dominant
 * share now plus its part of the decayed usage, per unit of share), and inside that tenant of
 * the user furthest below its sub-share. Keys are read again for every job, so a tenant that
 * starts a job in this plan moves back; ties go to the job first in today's order, so one tenant
 * (or tenants all alike) keeps exactly today's order.
 *
 * The tenants wait in a heap by (key, head job), so a pick costs a logarithm of the tenants, not
 * a pass over them: a tenant's key changes only with its account (TenantBook.changed), its head
 * only when it gives a job, and either puts it in the heap again, once before the next pick
 * (older entries are skipped).
 */
import type { QueuedJob } from '../contract';
import { compareJobs } from '../order';
import { MinHeap } from '../heap';
import { tenantOf, type TenantAccount, type TenantBook } from './accounts';

interface Lane {
  readonly user: string;
  readonly jobs: readonly QueuedJob[];
  next: number;
}

interface TenantLanes {
  readonly account: TenantAccount;
  /** Its users with jobs left, in the order their first job came. */
  readonly users: Lane[];
  /** Bumped when its key or head may have changed: heap entries of an older stamp are stale. */
  stamp: number;
  /** The last pick before which it was entered (once per pick). */
  round: number;
}

interface Entry {
  readonly lanes: TenantLanes;
  readonly key: number;
  readonly head: QueuedJob;
  readonly lane: Lane;
  readonly stamp: number;
}

const before = (x: Entry, y: Entry): boolean => x.key < y.key || (x.key === y.key && compareJobs(x.head, y.head) < 0);

export function* fairOrder(book: TenantBook, ordered: readonly QueuedJob[]): Generator<QueuedJob> {
  const firstBeff = ordered.findIndex((j) => j.class !== 'prod');
  const blocks = firstBeff < 0 ? [ordered] : [ordered.slice(0, firstBeff), ordered.slice(firstBeff)];
  for (const block of blocks) {
    const lanes = new Map<string, TenantLanes>();
    const byUser = new Map<string, Map<string, QueuedJob[]>>();
    for (const j of block) {
      const t = tenantOf(j);
      let users = byUser.get(t);
      if (!users) byUser.set(t, (users = new Map()));
      const u = j.user ?? '';
      const list = users.get(u);
      if (list) list.push(j);
      else users.set(u, [j]);
    }
    for (const [t, users] of byUser) {
      lanes.set(t, { account: book.account(t), users: [...users].map(([user, jobs]) => ({ user, jobs, next: 0 })), stamp: 0, round: 0 });
    }
    const heap = new MinHeap<Entry>(before);
    // Tenants to enter again before the next pick: the one that gave a job, and those whose
    // account changed meanwhile, each once (entering twice would leave a stale entry to sift
    // through for every job started).
    const again: TenantLanes[] = [...lanes.values()];
    let round = 0;
    book.changed.clear();
    for (;;) {
      round++;
      if (book.changed.size > 0) {
        for (const t of book.changed) {
          const tl = lanes.get(t);
          if (tl && tl.users.length > 0) again.push(tl);
        }
        book.changed.clear();
      }
      for (let tl = again.pop(); tl !== undefined; tl = again.pop()) {
        if (tl.round === round) continue;
        tl.round = round;
        const lane = headOf(book, tl);
        heap.push({ lanes: tl, key: book.key(tl.account), head: lane.jobs[lane.next], lane, stamp: ++tl.stamp });
      }
      const e = heap.pop();
      if (!e) break;
      if (e.stamp !== e.lanes.stamp) continue;
      const { lanes: tl, lane } = e;
      yield lane.jobs[lane.next++];
      if (lane.next >= lane.jobs.length) {
        tl.users.splice(tl.users.indexOf(lane), 1);
      }
      if (tl.users.length > 0) again.push(tl);
      else tl.stamp++;
    }
  }
}

/** The tenant's next job's lane: that of its user furthest below its sub-share (ties: today's order). */
function headOf(book: TenantBook, tl: TenantLanes): Lane {
  let best: Lane | undefined;
  let bestKey = 0;
  if (tl.users.length === 1) return tl.users[0];
  for (const lane of tl.users) {
    const key = book.userKey(tl.account, lane.user);
    if (!best || key < bestKey || (key === bestKey && compareJobs(lane.jobs[lane.next], best.jobs[best.next]) < 0)) {
      best = lane;
      bestKey = key;
    }
  }
  return best!;
}
