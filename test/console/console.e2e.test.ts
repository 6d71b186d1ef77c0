/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core) against the
 * local stack on a two-host cloud: a #token= link signs in and leaves the address bar; the main
 * job runs to COMPLETED on its page; a job submitted from the form runs, is preempted by a prod
 * job (the preemption and the resume show on its timeline) and is cancelled from its page; the hosts page
 * shows both hosts and their jobs; a user sees only their own jobs. The page loads nothing but
 * itself and the API, and breaks no rule of its Content-Security-Policy. Screenshots are taken
 * every run; with SVMSCHED_SCREENSHOTS=docs they replace docs/console/ (the README shows them).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startStack, waitForJob, type Stack } from '../helpers/stack';

const CHROMIUM = process.env.SVMSCHED_CHROMIUM ?? '/usr/bin/chromium';
// A run of the suite leaves the repository as it found it: screenshots go to docs/ only when asked.
const SHOTS = process.env.SVMSCHED_SCREENSHOTS === 'docs' ? path.resolve(__dirname, '../../docs/console') : path.join(tmpdir(), 'svmsched-console-shots');

let stack: Stack;
let browser: BrowserContext;
let profile: string;
let page: Page;
/** What the page must never do: reach another origin, throw, or be stopped by its policy. */
const foreign: string[] = [];
const problems: string[] = [];

async function openTab(token: string): Promise<Page> {
  const tab = await browser.newPage();
  tab.on('request', (r) => { if (!r.url().startsWith(stack.url)) foreign.push(r.url()); });
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('console', (m) => { if (m.type() === 'error' && !/status of 40[34]/.test(m.text())) problems.push(`console: ${m.text()}`); });
  const res = await tab.goto(`${stack.url}/#token=${encodeURIComponent(token)}`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
  return tab;
}

const badge = (p: Page) => p.locator('.job-head .state');
const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  stack = await startStack({ sim: { fixture: path.resolve(__dirname, '../fixtures/stack/two-hosts.json') } });
  await mkdir(SHOTS, { recursive: true });
  profile = await mkdtemp(path.join(tmpdir(), 'svmsched-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await openTab(stack.adminToken);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await stack?.stop();
});

describe('web console', () => {
  it('signs in from a #token= link, keeps the token for the tab only, and takes it out of the address bar', async () => {
    expect(new URL(page.url()).hash).toBe('#/queue');
    expect(page.url()).not.toContain(stack.adminToken);
    expect(await page.evaluate(() => sessionStorage.getItem('svmsched.token'))).toBe(stack.adminToken);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await expect.poll(() => page.locator('nav a').allTextContents()).toEqual(['Queue', 'Hosts', 'Tenants', 'Usage', 'Submit', 'Sign out']);
  });

  it('shows the main job in the queue, and on its page running to COMPLETED with its timeline', { timeout: 120_000 }, async () => {
    const main = (await api(stack, 'POST', '/jobs', { token: stack.adminToken, body: { service: 'example-service1', vcpu: 2, memory: 1024, args: ['/data/repository/file.dat'] } })).body;
    await page.locator(`a.job-link:text-is("${main.id}")`).click({ timeout: 10_000 });
    expect(new URL(page.url()).hash).toBe(`#/job/${main.id}`);
    // Live: the page follows the job without a reload.
    await expect.poll(() => badge(page).textContent(), { timeout: 90_000, interval: 500 }).toBe('COMPLETED');
    const states = await page.locator('table.history tbody tr td:nth-child(3)').allTextContents();
    expect(states).toEqual(['QUEUED', 'DISPATCHING', 'RUNNING', 'COMPLETED'].filter((s) => states.includes(s)));
    expect(states.at(-1)).toBe('COMPLETED');
    expect(await page.locator('#cancel').count()).toBe(0);
    // Its output, or the server's word that it keeps none: asked once the job has ended.
    await expect.poll(() => page.locator('.output').textContent()).not.toMatch(/No output yet/);
    expect(await page.locator('.facts').textContent()).toContain('example-service1');
  });

  it('submits a job from the form, shows its preemption by a prod job and its resume on the timeline, and cancels it', { timeout: 150_000 }, async () => {
    await page.goto(`${stack.url}/#/submit`);
    await page.locator('select[name=service]').selectOption('nrt-service');
    await page.locator('select[name=class]').selectOption('beff');
    await page.locator('input[name=vcpu]').fill('4');
    await page.locator('input[name=memory]').fill('1024');
    await page.locator('textarea[name=args]').fill('60');
    await shot(page, 'submit');
    await page.locator('form.submit button[type=submit]').click();
    await page.waitForURL(/#\/job\/.+/);
    const beffId = decodeURIComponent(new URL(page.url()).hash.slice('#/job/'.length));
    const beff = (await api(stack, 'GET', `/jobs/${beffId}`, { token: stack.adminToken })).body;
    expect(beff).toMatchObject({ service: 'nrt-service', class: 'beff', vcpu: 4, memory: 1024, args: ['60'], owner: 'admin' });
    await expect.poll(() => badge(page).textContent(), { timeout: 60_000, interval: 500 }).toBe('RUNNING');

    // Two prod jobs of a whole host each: the second one takes the beff job's host.
    const prod = async () => (await api(stack, 'POST', '/jobs', { token: stack.adminToken, body: { service: 'prod-service', class: 'prod', vcpu: 4, memory: 1024, args: ['60'] } })).body;
    const first = await prod();
    await waitForJob(stack, stack.adminToken, first.id, (j) => j.state === 'RUNNING');
    const second = await prod();
    await expect.poll(() => badge(page).textContent(), { timeout: 60_000, interval: 500 }).toBe('PREEMPTED');
    const preemption = page.locator('table.history tr.preemption');
    expect(await preemption.count()).toBeGreaterThanOrEqual(2);
    expect(await preemption.first().locator('td').nth(5).textContent()).toBe(second.id);
    expect(await page.locator('.why-waits').textContent()).toMatch(/^Why it waits: .+/);
    await waitForJob(stack, stack.adminToken, second.id, (j) => j.state === 'RUNNING');

    await page.goto(`${stack.url}/#/hosts`);
    await expect.poll(() => page.locator('article.host').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await page.locator('.host-jobs a').allTextContents()).sort(), { timeout: 10_000 }).toEqual([first.id, second.id].sort());
    await shot(page, 'hosts');

    await page.goto(`${stack.url}/#/queue`);
    await expect.poll(() => page.locator('table.jobs tbody tr').count(), { timeout: 10_000 }).toBe(4);
    await shot(page, 'queue');
    await page.locator('select[name=state]').selectOption('PREEMPTED');
    await expect.poll(() => page.locator('a.job-link').allTextContents(), { timeout: 10_000 }).toEqual([beffId]);
    expect(await page.locator('table.jobs tbody tr .reason').textContent()).not.toBe('');

    // The prod job that took its host ends: the beff job resumes, and its timeline shows both.
    await api(stack, 'DELETE', `/jobs/${second.id}`, { token: stack.adminToken });
    await page.locator(`a.job-link:text-is("${beffId}")`).click();
    await expect.poll(() => page.locator('table.history tr.resume').count(), { timeout: 60_000, interval: 500 }).toBe(1);
    await expect.poll(() => badge(page).textContent(), { timeout: 30_000, interval: 500 }).toBe('RUNNING');
    await shot(page, 'job');
    page.once('dialog', (d) => void d.accept());
    await page.locator('#cancel').click();
    await expect.poll(() => badge(page).textContent(), { timeout: 30_000, interval: 500 }).toBe('CANCELLED');
    expect((await api(stack, 'GET', `/jobs/${beffId}`, { token: stack.adminToken })).body.state).toBe('CANCELLED');
    await api(stack, 'DELETE', `/jobs/${first.id}`, { token: stack.adminToken });
  });

  it('has tenants and usage pages that show the server\'s figures', async () => {
    for (const [route, found] of [['tenants', 'table.tenants'], ['usage', 'table.usage']] as const) {
      await page.goto(`${stack.url}/#/${route}`);
      await expect.poll(() => page.locator(found).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('.not-available').count()).toBe(0);
      await shot(page, route);
    }
    // The shipped configuration's tenants, and the usage of the jobs that ended.
    expect(await page.locator('table.usage').textContent()).toMatch(/alice|admin|default/);
    await page.goto(`${stack.url}/#/tenants`);
    await expect.poll(() => page.locator('table.tenants').textContent(), { timeout: 10_000 }).toMatch(/acme[\s\S]*beta/);
  });

  it('shows a user only their own jobs', async () => {
    const mine = (await api(stack, 'POST', '/jobs', { token: stack.userToken, body: { service: 'nrt-service', class: 'beff', vcpu: 1, memory: 512, args: ['1'] } })).body;
    const tab = await openTab(stack.userToken);
    await expect.poll(() => tab.locator('a.job-link').allTextContents(), { timeout: 10_000 }).toEqual([mine.id]);
    await tab.close();
    await waitForJob(stack, stack.userToken, mine.id);
  });

  it('loaded nothing from elsewhere, and nothing broke the page or its policy', () => {
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
