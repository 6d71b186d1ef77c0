/**
 * Fair order: prod before beff as today; within a class, the next job is the first (in today's
 * order: priority, age, id) of the tenant furthest below its share (TenantBook.key: its dominant
 * share now plus its part of the decayed usage, per unit of share), and inside that tenant of
 * the user furthest below its sub-share. Keys are read again for every job, so a tenant that
 * starts a job in this plan moves back; ties go to the job first in today's order, so one tenant
 * (or tenants all alike) keeps exactly today's order.
 */
import type { QueuedJob } from '../contract';
import { compareJobs } from '../order';
import { tenantOf, type TenantAccount, type TenantBook } from './accounts';

interface Lane {
  readonly jobs: readonly QueuedJob[];
  next: number;
}

interface TenantLanes {
  readonly account: TenantAccount;
  readonly users: Map<string, Lane>;
}

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
      lanes.set(t, { account: book.account(t), users: new Map([...users].map(([u, jobs]) => [u, { jobs, next: 0 }])) });
    }
    const active = [...lanes.values()];
    while (active.length > 0) {
      let bestT = -1;
      let bestKey = 0;
      let bestHead: QueuedJob | undefined;
      for (let k = 0; k < active.length; k++) {
        const tl = active[k];
        const key = book.key(tl.account);
        const head = headOf(book, tl).job;
        if (bestT < 0 || key < bestKey || (key === bestKey && compareJobs(head, bestHead!) < 0)) {
          bestT = k;
          bestKey = key;
          bestHead = head;
        }
      }
      const tl = active[bestT];
      const { lane } = headOf(book, tl);
      yield lane.jobs[lane.next++];
      if (lane.next >= lane.jobs.length) {
        for (const [u, l] of tl.users) if (l === lane) tl.users.delete(u);
        if (tl.users.size === 0) active.splice(bestT, 1);
      }
    }
  }
}

/** The tenant's next job: the head of its user furthest below its sub-share (ties: today's order). */
function headOf(book: TenantBook, tl: TenantLanes): { readonly job: QueuedJob; readonly lane: Lane } {
  let best: Lane | undefined;
  let bestKey = 0;
  if (tl.users.size === 1) {
    const only = tl.users.values().next().value as Lane;
    return { job: only.jobs[only.next], lane: only };
  }
  for (const [u, lane] of tl.users) {
    const key = book.userKey(tl.account, u);
    if (!best || key < bestKey || (key === bestKey && compareJobs(lane.jobs[lane.next], best.jobs[best.next]) < 0)) {
      best = lane;
      bestKey = key;
    }
  }
  return { job: best!.jobs[best!.next], lane: best! };
}
