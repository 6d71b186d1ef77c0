import { api, type Stack } from '../helpers/stack';

/** Every job the token may see, through GET /jobs and its cursors (the way a client pages). */
export async function listAllJobs(stack: Pick<Stack, 'url'>, token: string, query = ''): Promise<any[]> {
  const jobs: any[] = [];
  let cursor: string | undefined;
  do {
    const qs = new URLSearchParams(query);
    qs.set('limit', '999');
    if (cursor) qs.set('cursor', cursor);
    const res = await api(stack, 'GET', `/jobs?${qs}`, { token });
    if (res.status !== 200) throw new Error(`GET /jobs?${qs} answered ${res.status}: ${JSON.stringify(res.body)}`);
    jobs.push(...res.body.jobs);
    cursor = res.body.cursor;
  } while (cursor);
  return jobs;
}
