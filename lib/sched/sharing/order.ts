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
import { IndexedMinHeap } from '../heap';
import { tenantOf, type TenantAccount, type TenantBook, type UserAccount } from './accounts';

/** A user's jobs in a block, as places in today's order (which, ascending, is that order). */
interface Lane {
  readonly user: UserAccount;
  readonly places: number[];
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

/** Ties between keys go to the job first in today's order: the lower place. */
const before = (x: TenantLanes, y: TenantLanes): boolean =>
  x.key < y.key || (x.key === y.key && x.head.places[x.head.next] < y.head.places[y.head.next]);

/** The job the fair order gave last, with its tenant's and user's accounts (the phase reads them for that job, without looking them up again). */
export interface Given {
  job?: QueuedJob;
  account?: TenantAccount;
  user?: UserAccount;
}

/** Calls `visit` with each job of `ordered` (in today's order, as orderQueue gives it) in fair order, and its place in the fair order. */
export function fairOrder(book: TenantBook, ordered: readonly QueuedJob[], visit: (job: QueuedJob, order: number) => void, given: Given = {}): void {
  const firstBeff = ordered.findIndex((j) => j.class !== 'prod');
  const blocks = firstBeff < 0 ? [[0, ordered.length]] : [[0, firstBeff], [firstBeff, ordered.length]];
  let order = 0;
  for (const [start, end] of blocks) {
    const tenants = group(book, ordered, start, end);
    const heap = new IndexedMinHeap<TenantLanes>(before);
    for (const tl of tenants.values()) {
      refresh(book, tl);
      heap.push(tl);
    }
    book.changed.clear();
    let round = 0;
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      const lane = top.head;
      const job = ordered[lane.places[lane.next++]];
      if (lane.next >= lane.places.length) top.lanes.splice(top.lanes.indexOf(lane), 1);
      given.job = job;
      given.account = top.account;
      given.user = lane.user;
      visit(job, order++);
      // Then move the tenant that gave the job and those whose account changed meanwhile, each once.
      round++;
      if (top.lanes.length === 0) heap.remove(top);
      else {
        top.round = round;
        refresh(book, top);
        heap.update(top);
      }
      if (book.changed.size > 0) moveChanged(book, tenants, heap, round);
    }
  }
}

/** The jobs of ordered[start, end) by tenant, and inside a tenant by user, each list in today's order. */
function group(book: TenantBook, ordered: readonly QueuedJob[], start: number, end: number): Map<string, TenantLanes> {
  const tenants = new Map<string, TenantLanes>();
  for (let k = start; k < end; k++) {
    const j = ordered[k];
    const t = tenantOf(j);
    let tl = tenants.get(t);
    if (!tl) {
      const account = book.account(t);
      tl = { account, lanes: [], byUser: new Map(), key: 0, head: undefined!, heapIndex: -1, round: 0 };
      tenants.set(t, tl);
    }
    const u = j.user ?? '';
    const lane = tl.byUser.get(u);
    if (lane) lane.places.push(k);
    else {
      const l: Lane = { user: book.user(tl.account, u), places: [k], next: 0 };
      tl.byUser.set(u, l);
      tl.lanes.push(l);
    }
  }
  return tenants;
}

/** Moves each tenant whose account changed during the last step (one of its jobs started, or was preempted), once per step. */
function moveChanged(book: TenantBook, tenants: ReadonlyMap<string, TenantLanes>, heap: IndexedMinHeap<TenantLanes>, round: number): void {
  for (const t of book.changed) {
    const tl = tenants.get(t);
    if (!tl || tl.heapIndex < 0 || tl.round === round) continue;
    tl.round = round;
    refresh(book, tl);
    heap.update(tl);
  }
  book.changed.clear();
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
    if (key < bestKey || (key === bestKey && lane.places[lane.next] < best.places[best.next])) {
      best = lane;
      bestKey = key;
    }
  }
  tl.head = best;
}
