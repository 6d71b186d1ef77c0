/**
 * The usage table (resources/tables.yml): finished jobs' usage summed per day × tenant × user ×
 * service. A job's usage is added in the same transaction as its final transition
 * (./dynamoJobRepository.ts), so it is counted exactly once: a job finalised twice, or a tick
 * retried after a crash, fails that transition's condition and adds nothing.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOB_STATES, type JobState } from '../domain/job';
import { USAGE_FIGURES, type JobUsage, type UsageFigure } from '../domain/usage';
import { ExpressionBuilder } from './expression';
import type { TableNames } from './tables';

export const USAGE_INDEX = { byUser: 'byUser' } as const;

/** One item: the usage of one day, tenant, user and service. */
export interface UsageDay {
  readonly day: string;
  readonly tenant: string;
  readonly user: string;
  readonly service: string;
  readonly jobs: number;
  readonly figures: Readonly<Record<UsageFigure, number>>;
  /** Jobs per final state. */
  readonly outcomes: Readonly<Partial<Record<JobState, number>>>;
}

export interface UsageQuery {
  /** First and last day, YYYY-MM-DD, both included. */
  readonly from: string;
  readonly to: string;
  /** Only this user's usage (read from the byUser index). */
  readonly user?: string;
}

/** Key parts are URI-encoded, so no tenant, user or service name can forge a separator. */
const part = (s: string) => encodeURIComponent(s);
const outcomeAttribute = (state: JobState) => `outcome${state}`;

export function usageKey(u: Pick<JobUsage, 'day' | 'tenant' | 'user' | 'service'>): { month: string; sk: string } {
  return { month: u.day.slice(0, 7), sk: `${u.day}#${part(u.tenant)}#${part(u.user)}#${part(u.service)}` };
}

const userMonth = (user: string, month: string) => `${part(user)}#${month}`;

/** The Update of a transaction that adds one job's usage to its day's item (created by the first one). */
export function usageAddition(usage: JobUsage) {
  const key = usageKey(usage);
  const u = new ExpressionBuilder();
  u.set('day', usage.day).set('tenant', usage.tenant).set('user', usage.user).set('service', usage.service)
    .set('userMonth', userMonth(usage.user, key.month));
  u.add('jobs', 1).add(outcomeAttribute(usage.outcome), 1);
  for (const figure of USAGE_FIGURES) u.add(figure, usage[figure]);
  return { Key: key, UpdateExpression: u.updateExpression(), ...u.attributes() };
}

/** The months (YYYY-MM) from one day to another, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (month > last) return months;
    months.push(month);
    if (++m > 12) { m = 1; y++; }
  }
}

function toUsageDay(item: Record<string, unknown>): UsageDay {
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  const figures = Object.fromEntries(USAGE_FIGURES.map((f) => [f, num(item[f])])) as Record<UsageFigure, number>;
  const outcomes: Partial<Record<JobState, number>> = {};
  for (const state of JOB_STATES) {
    const n = item[outcomeAttribute(state)];
    if (n !== undefined) outcomes[state] = num(n);
  }
  return {
    day: String(item.day), tenant: String(item.tenant), user: String(item.user), service: String(item.service),
    jobs: num(item.jobs), figures, outcomes,
  };
}

export interface UsageRepository {
  /** The day items of a range (of one user's, when it names one). */
  days(q: UsageQuery): Promise<UsageDay[]>;
}

export class DynamoUsageRepository implements UsageRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: Pick<TableNames, 'usage'>,
  ) {}

  /**
   * The day items of a range: one Query per month (per page of it), on the table or, for one
   * user, on the byUser index, so the cost follows the range and the number of (tenant, user,
   * service) a day saw, never the number of jobs.
   */
  async days(q: UsageQuery): Promise<UsageDay[]> {
    const days: UsageDay[] = [];
    for (const month of monthsBetween(q.from, q.to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(new QueryCommand({
          TableName: this.tables.usage,
          ...(q.user === undefined ? {} : { IndexName: USAGE_INDEX.byUser }),
          KeyConditionExpression: '#p = :p AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#p': q.user === undefined ? 'month' : 'userMonth', '#sk': 'sk' },
          ExpressionAttributeValues: {
            ':p': q.user === undefined ? month : userMonth(q.user, month),
            // Sort keys start with the day and '#': every item of the days from..to, no other.
            ':lo': `${q.from}#`,
            ':hi': `${q.to}#\uffff`,
          },
          ExclusiveStartKey: startKey,
        }));
        for (const item of out.Items ?? []) days.push(toUsageDay(item));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return days;
  }
}
