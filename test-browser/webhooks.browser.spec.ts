import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpCompany } from './support/api.js';
import { checkPage, collectConsoleErrors, launchChromium, newPersonContext, type Chromium } from './support/browser.js';
import { logIn, navLink, navLinks } from './support/people.js';
import { startServer, type RunningServer } from './support/server.js';

/** A local webhook receiver that records every request and answers `answer`. */
function startReceiver() {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const state = { answer: 500 };
  const server: Server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body });
      response.writeHead(state.answer).end();
    });
  });
  return { received, state, server };
}

describe('webhooks in the console, as an admin', () => {
  let server: RunningServer;
  let chromium: Chromium;
  let browser: Browser;
  let admin: Page;
  let errors: string[];
  const receiver = startReceiver();
  let target = '';

  beforeAll(async () => {
    server = await startServer();
    chromium = await launchChromium();
    browser = chromium.browser;
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/fleetgate`;
    const company = await signUpCompany(server.baseUrl, `Webhook Van Hire ${randomUUID().slice(0, 4)}`);
    const adminEmail = await company.addUser('Sam Admin', 'admin');
    admin = await (await newPersonContext(browser, server.baseUrl)).newPage();
    errors = collectConsoleErrors(admin);
    await logIn(admin, adminEmail);
  });

  afterAll(async () => {
    receiver.server.close();
    await chromium?.close();
    await server?.stop();
  });

  it('creates a webhook to a local receiver, sends a test, and retries a failed delivery until its second attempt succeeds', async () => {
    expect(await navLinks(admin)).toEqual(['Overview', 'Keys', 'Records', 'Credits', 'Webhooks', 'Audit']);
    await navLink(admin, 'Webhooks').click();
    await admin.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await admin.getByText('No webhook endpoints yet').waitFor();
    await checkPage(admin, 'webhooks-empty');
    await admin.getByRole('button', { name: 'Add endpoint' }).click();
    const form = admin.getByRole('form', { name: 'Add an endpoint' });
    await form.getByLabel('URL').fill(target);
    await form.getByRole('checkbox', { name: /Credits low/ }).check();
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await admin.getByRole('heading', { name: "Your endpoint's signing secret" }).waitFor();
    const secret = (await admin.getByLabel('Signing secret', { exact: true }).textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await admin.getByText("import { Webhook } from 'standardwebhooks';").waitFor();
    await checkPage(admin, 'webhook-created');
    await admin.getByRole('link', { name: 'Open the endpoint' }).click();
    await admin.getByRole('heading', { name: 'Subscribed events' }).waitFor();

    // the receiver fails first: the test delivery records attempt 1 with HTTP 500
    await admin.getByRole('button', { name: 'Send test event' }).click();
    const delivery = admin.getByRole('article', { name: /Delivery webhook\.test/ });
    await delivery.getByRole('cell', { name: '500', exact: true }).waitFor({ timeout: 30_000 });
    expect(receiver.received.length).toBeGreaterThan(0);
    const first = receiver.received[0];
    expect(new Webhook(secret).verify(first.body, first.headers)).toMatchObject({ type: 'webhook.test' });
    await checkPage(admin, 'webhook-delivery-failed');

    // the receiver recovers; a retry makes the second attempt succeed
    receiver.state.answer = 200;
    await delivery.getByRole('button', { name: 'Retry now' }).click();
    await delivery.getByRole('heading', { name: /succeeded/ }).waitFor({ timeout: 30_000 });
    const attempts = delivery.getByRole('table', { name: /Attempts of delivery/ }).getByRole('row');
    await attempts.filter({ has: admin.getByRole('cell', { name: '200', exact: true }) }).first().waitFor();
    expect(await attempts.count()).toBeGreaterThanOrEqual(3);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    await checkPage(admin, 'webhook-delivery-retried');
  });

  it('says why an endpoint was disabled (410 Gone), re-enables it, and recovers the failed deliveries since a time', async () => {
    receiver.state.answer = 410;
    const before = receiver.received.length;
    await admin.getByRole('button', { name: 'Send test event' }).click();
    // the receiver's 410 fails the delivery at once and disables the endpoint; the page says so
    await admin.getByText('The endpoint answered 410 Gone, so deliveries stopped.').waitFor({ timeout: 30_000 });
    expect(receiver.received.length).toBe(before + 1);
    await admin.getByText('This endpoint receives no events.').waitFor();
    expect(await admin.getByRole('button', { name: 'Re-send failed deliveries' }).isDisabled()).toBe(true);
    expect(await admin.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    expect(await admin.getByRole('button', { name: 'Retry now' }).count()).toBe(0);
    const gone = admin.getByRole('article', { name: /Delivery webhook\.test/ }).first();
    await gone.getByRole('heading', { name: /failed/ }).waitFor();
    await checkPage(admin, 'webhook-disabled-gone');

    // re-enabling clears the failure state; recovering since an hour ago re-sends the failed delivery
    await admin.getByRole('button', { name: 'Re-enable' }).click();
    await admin.getByRole('button', { name: 'Disable' }).waitFor();
    expect(await admin.getByText('This endpoint receives no events.').count()).toBe(0);
    receiver.state.answer = 200;
    const recover = admin.getByRole('form', { name: 'Recover failed deliveries' });
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    await recover.getByLabel('Failed since (UTC)').fill(anHourAgo);
    await recover.getByRole('button', { name: 'Re-send failed deliveries' }).click();
    await admin.getByRole('status').filter({ hasText: '1 failed delivery is being sent again' }).waitFor();
    await gone.getByRole('heading', { name: /succeeded/ }).waitFor({ timeout: 30_000 });
    expect(receiver.received.length).toBe(before + 2);
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(receiver.received.at(-2)?.headers['webhook-id']);
    await checkPage(admin, 'webhook-recovered');

    // nothing failed since: the recovery says there was nothing to re-send
    await recover.getByRole('button', { name: 'Re-send failed deliveries' }).click();
    await admin.getByRole('status').filter({ hasText: 'No failed deliveries since then' }).waitFor();

    // a manual disable says who did it and offers re-enabling too
    await admin.getByRole('button', { name: 'Disable' }).click();
    await admin.getByText('Someone in your team disabled it.').waitFor();
    await admin.getByRole('button', { name: 'Re-enable' }).click();
    await admin.getByRole('button', { name: 'Disable' }).waitFor();
    expect(errors).toEqual([]);
  });
});
