/**
 * Fair order: prod before beff as today; within a class, the next job is the first (in today's
 * order: priority, age, id) of the tenant furthest below its share (TenantBook.key: its dominant
 * share now plus its part of the decayed usage, per unit of share), and inside that tenant of
 * the user furthest below its sub-share. Keys are read again whenever they may have changed,
 * so a tenant that starts a job in this plan moves back; ties go to the job first in today's
 * order, so one tenant (or tenants all alike) keeps exactly today's order.
 *
 * Each tenant with jobs left sits once in a heap by (key, next job), so a pick costs a
 * logarithm of the tenants, not a pass over them. A tenant moves in place when its key or its
 * next job may have changed: after it gives a job, and when its account changed
 * (TenantBook.changed: one of its jobs started, or was preempted).
 */
import type { QueuedJob } from '../contract';
import { compareJobs } from '../order';
import { IndexedMinHeap } from '../heap';
import { tenantOf, type TenantAccount, type TenantBook, type UserAccount } from './accounts';

interface Lane {
  readonly user: UserAccount;
  readonly jobs: QueuedJob[];
  next: number;
}

interface TenantLanes {
  readonly account: TenantAccount;
  /** Its users with jobs left, in the order their first job came. */
  readonly lanes: Lane[];
  /** Per user id, its lane (while the block is being grouped). */
  readonly byUser: Map<string, Lane>;
  key: number;
  head: Lane;
  heapIndex: number;
  /** The last pick after which it was moved (once per pick). */
  round: number;
}

const before = (x: TenantLanes, y: TenantLanes): boolean =>
  x.key < y.key || (x.key === y.key && compareJobs(x.head.jobs[x.head.next], y.head.jobs[y.head.next]) < 0);

/** The job the fair order gave last, with its tenant's and user's accounts (the phase reads them for that job, without looking them up again). */
export interface Given {
  job?: QueuedJob;
  account?: TenantAccount;
  user?: UserAccount;
}

export function* fairOrder(book: TenantBook, ordered: readonly QueuedJob[], given: Given = {}): Generator<QueuedJob> {
  const firstBeff = ordered.findIndex((j) => j.class !== 'prod');
  const blocks = firstBeff < 0 ? [ordered] : [ordered.slice(0, firstBeff), ordered.slice(firstBeff)];
  for (const block of blocks) {
    const tenants = new Map<string, TenantLanes>();
    for (const j of block) {
      const t = tenantOf(j);
      let tl = tenants.get(t);
      if (!tl) {
        const account = book.account(t);
        tl = { account, lanes: [], byUser: new Map(), key: 0, head: undefined!, heapIndex: -1, round: 0 };
        tenants.set(t, tl);
      }
      const u = j.user ?? '';
      const lane = tl.byUser.get(u);
      if (lane) lane.jobs.push(j);
      else {
        const l: Lane = { user: book.user(tl.account, u), jobs: [j], next: 0 };
        tl.byUser.set(u, l);
        tl.lanes.push(l);
      }
    }
    const heap = new IndexedMinHeap<TenantLanes>(before);
    for (const tl of tenants.values()) {
      refresh(book, tl);
      heap.push(tl);
    }
    book.changed.clear();
    let round = 0;
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      const lane = top.head;
      const job = lane.jobs[lane.next++];
      if (lane.next >= lane.jobs.length) top.lanes.splice(top.lanes.indexOf(lane), 1);
      given.job = job;
      given.account = top.account;
      given.user = lane.user;
      yield job;
      // Then move the tenant that gave the job and those whose account changed meanwhile, each once.
      round++;
      if (top.lanes.length === 0) heap.remove(top);
      else {
        top.round = round;
        refresh(book, top);
        heap.update(top);
      }
      if (book.changed.size > 0) {
        for (const t of book.changed) {
          const tl = tenants.get(t);
          if (!tl || tl.heapIndex < 0 || tl.round === round) continue;
          tl.round = round;
          refresh(book, tl);
          heap.update(tl);
        }
        book.changed.clear();
      }
    }
  }
}

/** The tenant's key and next job's lane: that of its user furthest below its sub-share (ties: today's order). */
function refresh(book: TenantBook, tl: TenantLanes): void {
  tl.key = book.key(tl.account);
  const lanes = tl.lanes;
  if (lanes.length === 1) {
    tl.head = lanes[0];
    return;
  }
  let best = lanes[0];
  let bestKey = book.userKey(tl.account, best.user);
  for (let k = 1; k < lanes.length; k++) {
    const lane = lanes[k];
    const key = book.userKey(tl.account, lane.user);
    if (key < bestKey || (key === bestKey && compareJobs(lane.jobs[lane.next], best.jobs[best.next]) < 0)) {
      best = lane;
      bestKey = key;
    }
  }
  tl.head = best;
}
