/**
 * The web console: a page per hash route, each redrawn every few seconds while it is shown.
 *   #/queue?state=&class=&owner=&tenant=&service=   #/job/ID   #/hosts   #/tenants   #/usage?from=&to=&by=   #/submit
 * Signed in with a bearer token (the sign-in form, or a #token=… link), kept for the tab.
 */
import { Api, apiBase, NotAvailable } from './api';
import { fill, h } from './dom';
import type { Ctx, Page } from './page';
import { hostsPage } from './pages/hosts';
import { jobPage } from './pages/job';
import { queuePage } from './pages/queue';
import { submitPage } from './pages/submit';
import { tenantsPage } from './pages/tenants';
import { usagePage } from './pages/usage';
import { Session } from './session';

const REFRESH_MS = 2000;

const ROUTES: Record<string, (ctx: Ctx) => Page> = {
  queue: queuePage, job: jobPage, hosts: hostsPage, tenants: tenantsPage, usage: usagePage, submit: submitPage,
};
const NAV: readonly [string, string][] = [['queue', 'Queue'], ['hosts', 'Hosts'], ['tenants', 'Tenants'], ['usage', 'Usage'], ['submit', 'Submit']];

const session = new Session(sessionStorage);
session.adoptFragment(location, history);

const main = h('main', {});
const status = h('span', { class: 'status', role: 'status' });
const nav = h('nav', {});
const api = new Api(apiBase(location.pathname), () => session.token, () => { session.signOut(); route(); });
let current: Page | undefined;
let busy = false;
let timer: ReturnType<typeof setInterval> | undefined;

function signInForm(): HTMLElement {
  const input = h('input', { name: 'token', type: 'password', autocomplete: 'off', placeholder: 'bearer token', required: true, 'aria-label': 'token' });
  return h('section', { class: 'signin' }, h('h1', {}, 'Sign in'),
    h('p', {}, 'With the bearer token svmschedclient uses (svmsched-admin token issue gives one). A user sees their own jobs, an admin everything.'),
    h('form', { onsubmit: (e) => { e.preventDefault(); session.signIn(input.value); location.hash = '#/queue'; route(); } }, input, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
}

async function refresh(): Promise<void> {
  if (!current || busy || document.hidden) return;
  busy = true;
  const page = current;
  try {
    await page.refresh();
    if (page === current) fill(status, `updated ${new Date().toLocaleTimeString()}`);
    status.classList.remove('stale');
  } catch (err) {
    if (page === current) {
      fill(status, err instanceof NotAvailable ? err.message : `not updated: ${(err as Error).message}`);
      status.classList.add('stale');
    }
  } finally {
    busy = false;
  }
}

function route(): void {
  current?.dispose?.();
  current = undefined;
  clearInterval(timer);
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = 'queue', ...rest] = path.split('/');
  const signedIn = session.token !== undefined;
  fill(nav, signedIn ? [
    ...NAV.map(([r, label]) => h('a', { href: `#/${r}`, class: r === name ? 'active' : undefined }, label)),
    h('a', { href: '#/queue', class: 'signout', onclick: (e) => { e.preventDefault(); session.signOut(); route(); } }, 'Sign out'),
  ] : []);
  if (!signedIn) {
    fill(main, signInForm());
    fill(status);
    return;
  }
  const make = ROUTES[name] ?? queuePage;
  const page = make({ api, params: new URLSearchParams(query), arg: rest.length ? decodeURIComponent(rest.join('/')) : undefined, go: (hash) => { location.hash = hash; } });
  current = page;
  document.title = `${page.title} · svmsched`;
  fill(main, page.el);
  void refresh();
  timer = setInterval(() => void refresh(), REFRESH_MS);
}

document.body.append(h('header', {}, h('a', { href: '#/queue', class: 'brand' }, 'svmsched'), nav, status), main);
window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => void refresh());
route();
