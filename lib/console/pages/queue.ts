/** The queue: jobs, newest first, filtered by state, class, user, tenant and service; the reason a job waits in its row. */
import { JOB_CLASSES, JOB_STATES, type Job } from '../../domain/job';
import { ago, fill, h, stateBadge, table } from '../dom';
import type { Ctx, Page } from '../page';

interface JobPage { readonly jobs: (Job & { tenant?: string })[]; readonly cursor?: string }
interface ServiceInfo { readonly id: string }

/** The filters the API applies; the tenant one is applied here (GET /jobs has no tenant filter). */
const SERVER_FILTERS = ['state', 'class', 'owner', 'service'] as const;

export function queuePage(ctx: Ctx): Page {
  const p = ctx.params;
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(p);
    if (value) next.set(name, value); else next.delete(name);
    ctx.go(`#/queue?${next}`);
  };
  const select = (name: string, options: readonly string[]) => h('select', { name, 'aria-label': name, onchange: (e) => set(name, (e.target as HTMLSelectElement).value) },
    h('option', { value: '' }, `any ${name}`), options.map((o) => h('option', { value: o, selected: p.get(name) === o }, o)));
  const text = (name: string, placeholder: string) => h('input', { name, placeholder, 'aria-label': name, value: p.get(name) ?? '', onchange: (e) => set(name, (e.target as HTMLInputElement).value.trim()) });
  const services = h('select', { name: 'service', 'aria-label': 'service', onchange: (e) => set('service', (e.target as HTMLSelectElement).value) }, h('option', { value: '' }, 'any service'));
  const body = h('div', { class: 'queue' });
  const note = h('p', { class: 'note' });
  const el = h('section', {}, h('h1', {}, 'Queue'),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
      select('state', JOB_STATES), select('class', JOB_CLASSES), text('owner', 'user'), text('tenant', 'tenant'), services),
    note, body);

  ctx.api.get<{ services: ServiceInfo[] }>('services').then(({ services: list }) => {
    for (const s of list) services.append(h('option', { value: s.id, selected: p.get('service') === s.id }, s.id));
  }).catch(() => { /* the filter stays 'any service' */ });

  return {
    title: 'Queue',
    el,
    async refresh() {
      const q = new URLSearchParams({ limit: '100' });
      for (const f of SERVER_FILTERS) if (p.get(f)) q.set(f, p.get(f)!);
      const page = await ctx.api.get<JobPage>(`jobs?${q}`);
      const tenant = p.get('tenant');
      const jobs = tenant ? page.jobs.filter((j) => j.tenant === tenant) : page.jobs;
      fill(note, `${jobs.length} job${jobs.length === 1 ? '' : 's'}${page.cursor ? ' (the newest 100: narrow the filters to see older ones)' : ''}`);
      fill(body, jobs.length === 0 ? h('p', { class: 'empty' }, 'No job matches.') : table(
        ['job', 'state', 'service', 'class', 'user', 'tenant', 'vCPU', 'memory', 'host', 'submitted', 'reason'],
        jobs.map((j) => [
          h('a', { href: `#/job/${encodeURIComponent(j.id)}`, class: 'job-link' }, j.id),
          stateBadge(j.state), j.service, j.class, j.owner, j.tenant ?? '', j.vcpu, `${j.memory} MB`, j.hostName ?? '',
          h('span', { title: j.createdAt }, ago(j.createdAt)),
          h('span', { class: 'reason', title: j.reason ?? '' }, j.reason ?? ''),
        ]),
        { class: 'jobs' }));
    },
  };
}
