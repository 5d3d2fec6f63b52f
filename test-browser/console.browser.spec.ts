import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, collectConsoleErrors, launchChromium, newPersonContext, SCREENSHOTS, type Chromium } from './support/browser.js';
import { email, logIn, navLink, navLinks, PASSWORD } from './support/people.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);

/** Runs a snippet the way a person would after pasting it; returns what it printed. */
async function runSnippet(kind: 'curl' | 'node' | 'python' | 'shell', code: string, env: Record<string, string> = {}): Promise<string> {
  const [command, args] =
    kind === 'curl'
      ? ['bash', ['-c', `${code} -w '\\n%{http_code}'`]]
      : kind === 'shell'
        ? ['bash', ['-c', code]]
        : kind === 'node'
          ? [process.execPath, ['-e', code]]
          : ['python3', ['-c', code]];
  try {
    return (await run(command, args, { timeout: 20_000, env: { ...process.env, ...env } })).stdout;
  } catch (error) {
    // python's urllib raises on 4xx: its message carries the status
    return String((error as { stdout?: string; stderr?: string }).stdout ?? '') + String((error as { stderr?: string }).stderr ?? '');
  }
}

const curlStatus = (output: string) => output.trim().split('\n').at(-1);

async function copiedText(page: Page, button: string): Promise<string> {
  await page.getByRole('button', { name: button }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Copied' }).count()).toBeGreaterThan(0);
  return page.evaluate(() => navigator.clipboard.readText());
}

describe('the web console', () => {
  let server: RunningServer;
  let chromium: Chromium;
  let browser: Browser;
  let owner: Page;
  let ownerErrors: string[];
  const company = `Acme Van Hire ${randomUUID().slice(0, 4)}`;
  const ownerEmail = email('olive');
  const people = { member: email('mia'), auditor: email('ada'), admin: email('sam') };

  beforeAll(async () => {
    // one after the other, so a failed browser launch cannot leave the server running unowned
    server = await startServer();
    chromium = await launchChromium();
    browser = chromium.browser;
    owner = await (await newPersonContext(browser, server.baseUrl)).newPage();
    ownerErrors = collectConsoleErrors(owner);
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('measures the initial JavaScript and the time until the first page is interactive', async () => {
    const html = readFileSync('dist/console/index.html', 'utf8');
    const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join('dist/console', file))).length, 0);
    const page = await (await newPersonContext(browser, server.baseUrl)).newPage();
    await page.goto('/console/sign-in');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    const interactiveMs = Math.round(await page.evaluate(() => performance.now()));
    await page.context().close();
    const metrics = { initialJsGzipKb: Math.round(gzipped / 102.4) / 10, firstPageInteractiveMs: interactiveMs };
    console.log(`console metrics: initial JS ${metrics.initialJsGzipKb} kB gzipped, sign-in page interactive after ${interactiveMs} ms`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    expect(gzipped).toBeLessThan(250 * 1024);
  });

  it('serves console pages with a strict CSP and redirects / to /console/', async () => {
    const root = await fetch(`${server.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const deepLink = await fetch(`${server.baseUrl}/console/keys/k3x9q2mf7a1b`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(deepLink.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    // frames only from blob: (a record's PDF fetched with the token), never from elsewhere; still no plugins
    expect(deepLink.headers.get('content-security-policy')).toMatch(/frame-src blob:(;|$)/);
    expect(deepLink.headers.get('content-security-policy')).toMatch(/object-src 'none'/);
    expect(await deepLink.text()).toContain('<div id="root">');
  });

  it('signs up, with validation next to the fields, and stays signed in across a reload', async () => {
    await owner.goto('/console/');
    await owner.getByRole('heading', { name: 'Log in to the console' }).waitFor();
    await checkPage(owner, 'sign-in');
    await owner.getByRole('link', { name: 'Sign up' }).click();
    await owner.getByRole('heading', { name: 'Create your company account' }).waitFor();
    await owner.getByLabel('Company name').fill(company);
    await owner.getByLabel('Your name').fill('Olive Owner');
    await owner.getByLabel('E-mail').fill(ownerEmail);
    await owner.getByLabel('Password', { exact: true }).fill('too short');
    await owner.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => owner.getByText('Use at least 12 characters.').isVisible()).toBe(true);
    await expect.poll(() => owner.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await checkPage(owner, 'sign-up-invalid');
    await owner.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await owner.getByRole('button', { name: 'Create account' }).click();
    await owner.getByRole('heading', { name: company }).waitFor();
    expect(await navLinks(owner)).toEqual(['Overview', 'API access', 'Keys', 'Records', 'Credits', 'Webhooks', 'Audit', 'Team']);
    await checkPage(owner, 'overview-owner');

    await owner.reload();
    await owner.getByRole('heading', { name: company }).waitFor();
    const storage = await owner.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    expect(storage).not.toMatch(/rt_|eyJ/);
  });

  it('shows the API problem with its request id when a sign-up is refused', async () => {
    const page = await (await newPersonContext(browser, server.baseUrl)).newPage();
    await page.goto('/console/sign-in?mode=signup');
    await page.getByLabel('Company name').fill('Someone Else Ltd');
    await page.getByLabel('Your name').fill('Copy Cat');
    await page.getByLabel('E-mail').fill(ownerEmail);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const problem = page.getByRole('alert');
    await problem.getByText('A user with this e-mail already exists.').waitFor();
    expect(await problem.textContent()).toMatch(/Request ID\s*[\w-]{8,}/);
    await checkPage(page, 'sign-up-problem');
    await page.context().close();
  });

  let publicId = '';
  const snippets: Record<'first' | 'rotated', string> = { first: '', rotated: '' };

  it('turns API access on, creates a key from a preset, and its pasted snippets answer 200', async () => {
    await navLink(owner, 'API access').click();
    await owner.getByRole('switch', { name: 'API access is off' }).click();
    await owner.getByRole('switch', { name: 'API access is on' }).waitFor();
    // the allowlist editor shows the owner's own address, as the server sees it
    await owner.getByText('This server sees you calling from').waitFor();
    expect(await owner.getByText('This server sees you calling from').textContent()).toContain('127.0.0.1');
    await checkPage(owner, 'api-access');

    await navLink(owner, 'Keys').click();
    await owner.getByText('No API keys yet').waitFor();
    await checkPage(owner, 'keys-empty');
    await owner.getByRole('link', { name: 'Create your first key' }).click();
    await owner.getByRole('heading', { name: 'Create an API key' }).waitFor();
    await owner.getByRole('button', { name: 'Create key' }).click();
    await owner.getByText('Give the key a name.').waitFor();
    await owner.getByText('Choose at least one scope.').waitFor();
    await owner.getByLabel('Name').fill('Depot tablet integration');
    await owner.getByRole('button', { name: 'Full fleet management' }).click();
    expect(await owner.getByRole('radio', { name: 'Inspections: write' }).isChecked()).toBe(true);
    expect(await owner.getByRole('radio', { name: 'Audit log: none' }).isChecked()).toBe(true);
    await owner.getByRole('radio', { name: '30 days' }).check();
    await owner.getByLabel('IP allowlist (optional)').fill('127.0.0.1\n::1');
    await owner.getByLabel('Daily credit cap (optional)').fill('5');
    await checkPage(owner, 'key-create');
    await owner.getByRole('button', { name: 'Create key' }).click();

    await owner.getByRole('heading', { name: 'Your new API key' }).waitFor();
    const secret = await copiedText(owner, 'Copy key');
    expect(secret).toMatch(/^vk_[a-z0-9]+_\S+$/);
    publicId = secret.split('_')[1];
    expect(await owner.content()).not.toContain(secret);
    await checkPage(owner, 'key-secret-masked');
    await owner.getByRole('button', { name: 'Reveal key' }).click();
    await owner.getByText(secret, { exact: true }).waitFor();
    expect(owner.url()).not.toContain(secret.split('_')[2]);

    snippets.first = await copiedText(owner, 'Copy curl snippet');
    const curl = await runSnippet('curl', snippets.first);
    expect(curlStatus(curl)).toBe('200');
    expect(JSON.parse(curl.trim().split('\n')[0])).toMatchObject({ type: 'api_key', publicId });
    await owner.getByRole('tab', { name: 'Node.js' }).click();
    expect(await runSnippet('node', await copiedText(owner, 'Copy Node.js snippet'))).toMatch(/^200 /);
    // tabs follow the arrow keys
    await owner.getByRole('tab', { name: 'Node.js' }).press('ArrowRight');
    await owner.getByRole('tab', { name: 'Python', selected: true }).waitFor();
    expect(await owner.evaluate(() => document.activeElement?.textContent)).toBe('Python');
    expect(await runSnippet('python', await copiedText(owner, 'Copy Python snippet'))).toMatch(/^200 /);
    await checkPage(owner, 'key-secret-revealed');

    await owner.getByRole('button', { name: 'I have saved the key' }).click();
    await owner.waitForURL(`**/console/keys/${publicId}`);
    await owner.getByRole('heading', { name: 'Depot tablet integration' }).waitFor();
    expect(await owner.content()).not.toContain(secret);
    await owner.getByRole('heading', { name: 'Changes to this key' }).waitFor();
    await owner.getByText('api_key.create').waitFor();
    await checkPage(owner, 'key-detail');

    // the API access page's token-exchange snippet works with the key in $FLEETGATE_API_KEY
    await navLink(owner, 'API access').click();
    const exchange = await copiedText(owner, 'Copy token snippet');
    expect(JSON.parse(await runSnippet('shell', exchange, { FLEETGATE_API_KEY: secret }))).toMatchObject({ type: 'api_key', publicId });
    // switching off asks first, saying how many keys stop
    await owner.getByRole('switch', { name: 'API access is on' }).click();
    const off = owner.getByRole('dialog', { name: 'Turn API access off?' });
    await off.getByText('1 active key stops working at once').waitFor();
    await checkPage(owner, 'api-access-off-dialog');
    await off.getByRole('button', { name: 'Cancel' }).click();
    await owner.getByRole('switch', { name: 'API access is on' }).waitFor();
    await owner.goto(`/console/keys/${publicId}`);
    await owner.getByRole('heading', { name: 'Depot tablet integration' }).waitFor();
  });

  it('rotates with a grace period (both secrets work), then revokes (both answer 401)', async () => {
    // edit through PATCH: a new cap and description, saved and shown
    await owner.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = owner.getByRole('form', { name: 'Edit key' });
    expect(await edit.getByLabel('Name').inputValue()).toBe('Depot tablet integration');
    expect(await edit.getByLabel('IP allowlist').inputValue()).toBe('127.0.0.1/32\n::1/128');
    await edit.getByLabel('Description').fill('Tablets at the north depot');
    await edit.getByLabel('Daily credit cap').fill('250');
    await checkPage(owner, 'key-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await owner.getByRole('definition').filter({ hasText: '250 credits/day' }).waitFor();
    await owner.getByRole('definition').filter({ hasText: 'Tablets at the north depot' }).waitFor();
    // the usage chart by hour and by day, and the events about and by the key
    await owner.getByRole('button', { name: 'By day' }).click();
    await owner.getByRole('heading', { name: /Usage by day/ }).waitFor();
    await owner.getByRole('heading', { name: 'Requests made with this key' }).waitFor();
    await owner.getByRole('table').filter({ hasText: 'api_key.update' }).first().waitFor();
    await checkPage(owner, 'key-detail-usage');

    await owner.getByRole('button', { name: 'Rotate' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Rotate “Depot tablet integration”' });
    await dialog.getByRole('radio', { name: 'Keep it working for 1 hour' }).check();
    await checkPage(owner, 'key-rotate-dialog');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await owner.getByRole('heading', { name: 'The rotated key' }).waitFor();
    snippets.rotated = await copiedText(owner, 'Copy curl snippet');
    expect(snippets.rotated).not.toBe(snippets.first);
    expect(curlStatus(await runSnippet('curl', snippets.rotated))).toBe('200');
    expect(curlStatus(await runSnippet('curl', snippets.first))).toBe('200');
    await owner.getByRole('button', { name: 'I have saved the key' }).click();
    // (the grace end, previousSecretExpiresAt, is API 1.1: shown once the server sends it)
    await owner.getByRole('definition').filter({ hasText: /\d{4}.*UTC/ }).first().waitFor();
    await owner.getByText('Rotated', { exact: true }).waitFor();

    await owner.getByRole('button', { name: 'Revoke' }).click();
    const revoke = owner.getByRole('dialog', { name: 'Revoke “Depot tablet integration”?' });
    await checkPage(owner, 'key-revoke-dialog');
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await owner.getByText('Revoked', { exact: true }).first().waitFor();
    expect(await owner.getByRole('button', { name: 'Rotate' }).count()).toBe(0);
    for (const code of [snippets.rotated, snippets.first]) {
      const output = await runSnippet('curl', code);
      expect(curlStatus(output)).toBe('401');
      expect(output).toContain('api_key_revoked');
    }
  });

  it('lists keys with filters kept in the URL', async () => {
    await owner.goto('/console/keys/new');
    await owner.getByLabel('Name').fill('Nightly reporting export');
    await owner.getByRole('button', { name: 'Read-only' }).click();
    await owner.getByRole('radio', { name: 'No expiry' }).check();
    await owner.getByRole('button', { name: 'Create key' }).click();
    await owner.getByRole('button', { name: 'I have saved the key' }).click();
    await navLink(owner, 'Keys').click();

    const rows = owner.getByRole('table').getByRole('row');
    await owner.getByRole('link', { name: 'Nightly reporting export' }).waitFor();
    expect(await owner.getByRole('link', { name: 'Depot tablet integration' }).count()).toBe(0);
    await owner.getByLabel('Status').selectOption('all');
    await owner.getByRole('link', { name: 'Depot tablet integration' }).waitFor();
    expect(await rows.count()).toBe(3);
    // a 24 h sparkline per key, named by its total
    await owner.getByRole('img', { name: /\d+ requests in the last 24 hours/ }).first().waitFor();
    await checkPage(owner, 'keys');
    // the hygiene view: the new key has no expiry and was never used
    await owner.getByRole('link', { name: 'Key hygiene' }).click();
    const neverUsed = owner.getByRole('region', { name: /Never used/ });
    await neverUsed.getByRole('link', { name: 'Nightly reporting export' }).waitFor();
    await owner.getByRole('region', { name: /No expiry/ }).getByRole('link', { name: 'Nightly reporting export' }).waitFor();
    await checkPage(owner, 'keys-hygiene');
    await navLink(owner, 'Keys').click();
    await owner.getByRole('link', { name: 'Nightly reporting export' }).waitFor();
    await owner.getByLabel('Status').selectOption('all');
    await owner.getByRole('link', { name: 'Depot tablet integration' }).waitFor();
    await owner.getByLabel('Search').fill('depot');
    await expect.poll(() => owner.url()).toMatch(/q=depot/);
    expect(owner.url()).toMatch(/status=all/);
    await owner.reload();
    await owner.getByRole('link', { name: 'Depot tablet integration' }).waitFor();
    expect(await owner.getByLabel('Search').inputValue()).toBe('depot');
    expect(await rows.count()).toBe(2);
    await owner.getByLabel('Search').fill('no such key');
    await owner.getByText('No keys match these filters').waitFor();
  });

  it('adds people to the team, warns before shrinking a role and before removing someone with keys', async () => {
    await navLink(owner, 'Team').click();
    await owner.getByRole('table').getByText('Olive Owner').waitFor();
    const add = async (name: string, address: string, role: string) => {
      await owner.getByRole('button', { name: 'Add user' }).first().click();
      const form = owner.getByRole('region', { name: 'Add a user' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('E-mail').fill(address);
      await form.getByLabel('Initial password').fill(PASSWORD);
      await form.getByLabel('Role').selectOption(role);
      await form.getByRole('button', { name: 'Add user' }).click();
      await owner.getByRole('table').getByText(name).waitFor();
    };
    await owner.getByRole('button', { name: 'Add user' }).click();
    await owner.getByRole('region', { name: 'Add a user' }).getByRole('button', { name: 'Add user' }).click();
    await owner.getByText('Use at least 12 characters.').waitFor();
    await checkPage(owner, 'team-add-invalid');
    await owner.getByRole('region', { name: 'Add a user' }).getByRole('button', { name: 'Cancel' }).click();
    await add('Mia Member', people.member, 'member');
    await add('Ada Auditor', people.auditor, 'auditor');
    await add('Sam Admin', people.admin, 'admin');
    await checkPage(owner, 'team');

    // the admin signs in and creates a key of their own
    const admin = await (await newPersonContext(browser, server.baseUrl)).newPage();
    await logIn(admin, people.admin);
    expect(await navLinks(admin)).toEqual(['Overview', 'Keys', 'Records', 'Credits', 'Webhooks', 'Audit']);
    await admin.goto('/console/keys/new');
    await admin.getByLabel('Name').fill('Sam’s fleet sync');
    await admin.getByRole('button', { name: 'Inspection submission' }).click();
    expect(await admin.getByRole('radio', { name: 'Audit log: read' }).isDisabled()).toBe(false);
    await admin.getByRole('radio', { name: 'Audit log: read' }).check();
    await admin.getByRole('button', { name: 'Create key' }).click();
    await admin.getByRole('heading', { name: 'Your new API key' }).waitFor();
    await admin.context().close();

    await owner.reload();
    const sam = owner.getByRole('row').filter({ hasText: 'Sam Admin' });
    await sam.getByRole('cell', { name: '1', exact: true }).waitFor();
    await owner.getByLabel('Role of Sam Admin').selectOption('member');
    const change = owner.getByRole('dialog', { name: 'Make Sam Admin member?' });
    await change.getByText(/shrink with their role/).waitFor();
    await checkPage(owner, 'team-change-role');
    await change.getByRole('button', { name: 'Change role' }).click();
    await expect.poll(() => owner.getByLabel('Role of Sam Admin').inputValue()).toBe('member');
    // the key now does less than it asked for, and says why
    await owner.goto('/console/keys');
    await owner.getByRole('link', { name: 'Sam’s fleet sync' }).click();
    await owner.getByText(/now has the member role, which does not grant audit:read/).waitFor();
    await checkPage(owner, 'key-effective-scopes');
    await navLink(owner, 'Team').click();

    await owner.getByRole('button', { name: 'Remove Sam Admin' }).click();
    const remove = owner.getByRole('dialog', { name: 'Remove Sam Admin?' });
    await remove.getByText('1 active API key they created will be revoked at once.').waitFor();
    await checkPage(owner, 'team-remove');
    await remove.getByRole('button', { name: 'Remove user' }).click();
    await expect.poll(() => owner.getByRole('table').getByText('Sam Admin').count()).toBe(0);
  });

  it('shows a member only the overview, the records and the credits', async () => {
    const member = await (await newPersonContext(browser, server.baseUrl)).newPage();
    const errors = collectConsoleErrors(member);
    await logIn(member, people.member);
    expect(await navLinks(member)).toEqual(['Overview', 'Records', 'Credits']);
    await member.getByRole('heading', { name: 'Your role: Member' }).waitFor();
    await checkPage(member, 'overview-member');
    await member.goto('/console/keys');
    await member.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    await member.goto('/console/team');
    await member.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    await checkPage(member, 'member-forbidden');
    expect(errors).toEqual([]);
    await member.context().close();
  });

  it('shows an auditor the keys read-only', async () => {
    const auditor = await (await newPersonContext(browser, server.baseUrl)).newPage();
    await logIn(auditor, people.auditor);
    expect(await navLinks(auditor)).toEqual(['Overview', 'Keys', 'Records', 'Credits', 'Webhooks', 'Audit']);
    await navLink(auditor, 'Keys').click();
    await auditor.getByText('You can see the company\'s keys but not change them.').waitFor();
    await auditor.getByRole('link', { name: 'Nightly reporting export' }).waitFor();
    expect(await auditor.getByRole('link', { name: 'Create key' }).count()).toBe(0);
    await checkPage(auditor, 'keys-auditor');
    await auditor.getByRole('link', { name: 'Nightly reporting export' }).click();
    await auditor.getByRole('heading', { name: 'Scopes' }).waitFor();
    for (const action of ['Edit', 'Rotate', 'Revoke']) expect(await auditor.getByRole('button', { name: action, exact: true }).count()).toBe(0);
    await checkPage(auditor, 'key-detail-auditor');
    await auditor.goto('/console/api-access');
    await auditor.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    await auditor.context().close();
  });

  it('lets an auditor filter the audit log by a key and an action prefix, see a change, export CSV and verify the chain', async () => {
    const auditor = await (await newPersonContext(browser, server.baseUrl)).newPage();
    const errors = collectConsoleErrors(auditor);
    await logIn(auditor, people.auditor);
    await navLink(auditor, 'Audit').click();
    await auditor.getByRole('heading', { name: 'Audit log' }).waitFor();
    await auditor.getByRole('table').getByRole('row').nth(1).waitFor();
    await checkPage(auditor, 'audit');

    const filters = auditor.getByRole('search', { name: 'Filter audit events' });
    await filters.getByLabel('Resource ID').fill(publicId);
    await filters.getByLabel('Action').selectOption('api_key.*');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => auditor.url()).toMatch(new RegExp(`resourceId=${publicId}`));
    expect(decodeURIComponent(auditor.url())).toContain('action=api_key.*');
    const table = auditor.getByRole('table', { name: /Audit events/ });
    await table.getByText('api_key.update').waitFor();
    await expect.poll(async () => (await table.getByRole('code').allTextContents()).every((action) => action.startsWith('api_key.'))).toBe(true);
    expect(await table.getByText('vehicle.create').count()).toBe(0);

    // the event drawer shows what the edit changed, before and after
    await table.getByRole('link', { name: /api_key\.update/ }).click();
    const drawer = auditor.getByRole('dialog', { name: /api_key\.update/ });
    const cap = drawer.getByRole('row', { name: /dailyCreditLimit/ });
    await cap.getByRole('cell', { name: 'before: 5' }).waitFor();
    await cap.getByRole('cell', { name: 'after: 250' }).waitFor();
    await drawer.getByText('Request ID').waitFor();
    await drawer.getByText('Previous hash').waitFor();
    expect(auditor.url()).toMatch(/event=/);
    await checkPage(auditor, 'audit-event');
    await drawer.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => auditor.url()).not.toMatch(/event=/);

    // the CSV export downloads through the client (Authorization header, no token in a URL)
    const requests: string[] = [];
    auditor.on('request', (request) => requests.push(request.url()));
    const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fleetgate-audit-.*\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    expect(csv.length).toBeGreaterThan(5);
    expect(csv.some((line) => line.includes('api_key.update'))).toBe(true);
    expect(requests.filter((url) => url.includes('/v1/audit-logs/export')).every((url) => !/token|eyJ|vk_/.test(url))).toBe(true);

    await auditor.getByRole('button', { name: 'Verify the chain' }).click();
    await auditor.getByText(/The chain is intact: \d+ events were re-hashed/).waitFor();
    await checkPage(auditor, 'audit-verified');
    expect(errors).toEqual([]);
    await auditor.context().close();
  });

  it('lets the owner top up and see the entry in the ledger', async () => {
    await navLink(owner, 'Credits').click();
    await owner.getByRole('heading', { name: 'Credits', level: 1 }).waitFor();
    await owner.getByText('10 credits', { exact: true }).waitFor();
    await owner.getByText(/Low-balance warning below \d+ credits/).waitFor();
    // nothing spent yet: the chart says so instead of drawing empty bars
    await owner.getByText('No credits spent in the last 30 days').waitFor();
    const form = owner.getByRole('form', { name: 'Top up credits' });
    await form.getByRole('button', { name: 'Add credits' }).click();
    await form.getByText('Enter a whole number from 1 to 100000.').waitFor();
    await form.getByLabel('Credits').fill('500');
    await form.getByLabel('Payment reference').fill('INV-2026-0042');
    await form.getByRole('button', { name: 'Add credits' }).click();
    await owner.getByRole('status').filter({ hasText: 'Added 500 credits; the balance is now 510.' }).waitFor();
    await owner.getByText('510 credits', { exact: true }).waitFor();
    const ledger = owner.getByRole('table', { name: /Ledger entries/ });
    const topUp = ledger.getByRole('row').filter({ hasText: 'INV-2026-0042' });
    await topUp.getByRole('cell', { name: '+500' }).waitFor();
    await owner.getByLabel('Reason').selectOption('top_up');
    await expect.poll(() => ledger.getByRole('row').count()).toBe(2);
    await checkPage(owner, 'credits');
    expect(ownerErrors).toEqual([]);
  });

  it('logs out: the session is gone, also after a reload; logging in returns to the page asked for', async () => {
    await owner.getByRole('button', { name: 'Log out' }).click();
    await owner.getByText('You have logged out.').waitFor();
    await owner.goto('/console/keys?status=all');
    await owner.getByRole('heading', { name: 'Log in to the console' }).waitFor();
    expect(owner.url()).toContain('redirect=%2Fkeys%3Fstatus%3Dall');
    // logging in again returns to the page asked for, filters included
    await owner.getByLabel('E-mail').fill(ownerEmail);
    await owner.getByLabel('Password').fill(PASSWORD);
    await owner.getByRole('button', { name: 'Log in' }).click();
    await owner.waitForURL('**/console/keys?status=all');
    await owner.getByRole('link', { name: 'Depot tablet integration' }).waitFor();
    expect(ownerErrors).toEqual([]);
  });
});
