import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetgateClient, ok, type Schemas } from '../sdk/index.js';
import { signUpCompany } from './support/api.js';
import { checkPage, collectConsoleErrors, launchChromium, newPersonContext, type Chromium } from './support/browser.js';
import { logIn, navLink, navLinks } from './support/people.js';
import { startServer, type RunningServer } from './support/server.js';

/** Opens the record PDF's download link and answers the first bytes of the saved file. */
async function downloadedPdfStart(page: Page, filename: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download ${filename}` }).click()]);
  expect(download.suggestedFilename()).toBe(filename);
  return readFileSync(await download.path()).subarray(0, 5).toString('latin1');
}

/** The inline PDF: a frame titled as the section, showing a blob: URL (the token never goes in a URL). */
async function expectPdfFrame(page: Page, title: string): Promise<void> {
  const frame = page.getByTitle(title);
  await frame.waitFor();
  expect(await frame.getAttribute('src')).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
  await expect.poll(() => page.frames().some((child) => child.url().startsWith('blob:'))).toBe(true);
}

describe('the records pages of the console', () => {
  let server: RunningServer;
  let chromium: Chromium;
  let browser: Browser;
  let ownerEmail = '';
  let memberEmail = '';
  let vehicle: Schemas['VehicleResponse'];
  let customer: Schemas['CustomerResponse'];
  let check: Schemas['LicenceCheckResponse'];
  let inspection: Schemas['InspectionResponse'];
  let agreement: Schemas['AgreementResponse'];
  let keyPublicId = '';

  beforeAll(async () => {
    server = await startServer();
    chromium = await launchChromium();
    browser = chromium.browser;

    // the records are made through the API, as an integration would make them
    const company = await signUpCompany(server.baseUrl, `Records Van Hire ${randomUUID().slice(0, 4)}`);
    ownerEmail = company.ownerEmail;
    memberEmail = await company.addUser('Mia Member', 'member');
    const api = company.owner;
    vehicle = await ok(api.POST('/v1/vehicles', { body: { registration: 'AB12 CDE', nickname: 'Blue Transit', mileage: 42_000 } }));
    customer = await ok(
      api.POST('/v1/customers', {
        body: { name: 'Jo Bloggs', email: 'jo@example.co.uk', dateOfBirth: '1990-04-21', licence: { number: 'MORGA753116SM9IJ', categories: ['B', 'BE'] } },
      }),
    );
    check = await ok(api.POST('/v1/licence-checks', { body: { licenceNumber: 'MORGA753116SM9IJ', shareCode: 'Ab3dE7gH', customerId: customer.id } }));
    const templates = await ok(api.GET('/v1/inspection-templates'));
    const checkOut = templates.data.find((template) => template.key === 'check-out');
    if (!checkOut) throw new Error('no check-out template');
    inspection = await ok(
      api.POST('/v1/inspections', {
        body: {
          vehicleId: vehicle.id,
          templateKey: 'check-out',
          mileage: 42_010,
          fuelLevel: 0.75,
          items: checkOut.items.map((item, index) => ({ key: item.key, result: index === 1 ? ('fail' as const) : ('pass' as const), ...(index === 1 ? { note: 'Nearside front below 2 mm' } : {}) })),
          damages: [{ location: 'Rear bumper', description: 'Scuff, 10 cm', severity: 'minor' }],
          signOff: { signedBy: 'Sam Driver' },
        },
      }),
    );
    // the agreement is made by an API key, so the ledger can be filtered by that key
    await ok(api.PUT('/v1/account/api-access', { body: { enabled: true } }));
    const key = await ok(api.POST('/v1/api-keys', { body: { name: 'Depot tablet', preset: 'full-fleet-management' } }));
    keyPublicId = key.publicId;
    agreement = await ok(
      createFleetgateClient({ baseUrl: server.baseUrl, credential: key.fullApiKey }).POST('/v1/agreements', {
        body: {
          vehicleId: vehicle.id,
          customerId: customer.id,
          startsAt: '2026-12-01T09:00:00Z',
          endsAt: '2026-12-08T09:00:00Z',
          dailyRate: { amount: '45.00', currency: 'GBP' },
          terms: 'No smoking in the vehicle.',
        },
      }),
    );
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('reaches a vehicle and an agreement from their audit events, with the DVLA data, MOT history and the agreement PDF', async () => {
    const page = await (await newPersonContext(browser, server.baseUrl)).newPage();
    const errors = collectConsoleErrors(page);
    await logIn(page, ownerEmail);
    expect(await navLinks(page)).toEqual(['Overview', 'API access', 'Keys', 'Records', 'Credits', 'Webhooks', 'Audit', 'Team']);

    await navLink(page, 'Audit').click();
    const table = page.getByRole('table', { name: /Audit events/ });
    await table.getByRole('link', { name: `vehicle ${vehicle.id}` }).click();
    await page.getByRole('heading', { name: 'AB12CDE', level: 1 }).waitFor();
    expect(page.url()).toContain(`/console/records/vehicles/${vehicle.id}`);
    const dvla = page.getByRole('region', { name: 'DVLA details' });
    await dvla.getByText('Make').waitFor();
    expect(vehicle.dvla?.make).toBeTruthy();
    await dvla.getByText(vehicle.dvla?.make ?? '', { exact: true }).waitFor();
    const mot = page.getByRole('table', { name: 'MOT tests, newest first' });
    expect(await mot.getByRole('row').count()).toBe(vehicle.motTests.length + 1);
    await page.getByRole('region', { name: 'Vehicle', exact: true }).getByText('Blue Transit').waitFor();
    await checkPage(page, 'record-vehicle');

    // the vehicle's agreements, through the API's vehicleId filter, then the agreement's audit event in the drawer
    await page.getByRole('link', { name: 'Agreements for this vehicle' }).click();
    await page.getByRole('heading', { name: 'Rental agreements' }).waitFor();
    expect(page.url()).toContain(`vehicleId=${vehicle.id}`);
    await page.getByRole('table', { name: /Agreements/ }).getByRole('link', { name: 'Jo Bloggs' }).waitFor();
    await checkPage(page, 'records-agreements-of-vehicle');

    await page.goto(`/console/audit?resourceType=agreement`);
    await table.getByRole('link', { name: /agreement\.create/ }).click();
    const drawer = page.getByRole('dialog', { name: /agreement\.create/ });
    await drawer.getByRole('link', { name: `agreement ${agreement.id}` }).click();
    await page.getByRole('heading', { name: /Rental agreement, 1 Dec 2026/, level: 1 }).waitFor();
    await page.getByText('No smoking in the vehicle.').waitFor();
    await page.getByText('45.00 GBP').waitFor();
    await expectPdfFrame(page, 'Agreement document (PDF)');
    expect(await downloadedPdfStart(page, `agreement-${agreement.id}.pdf`)).toBe('%PDF-');
    await checkPage(page, 'record-agreement');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reaches the inspection a debit paid for from the credits ledger, with its checklist and report PDF inline', async () => {
    const page = await (await newPersonContext(browser, server.baseUrl)).newPage();
    const errors = collectConsoleErrors(page);
    await logIn(page, ownerEmail);
    await navLink(page, 'Credits').click();
    const ledger = page.getByRole('table', { name: /Ledger entries/ });
    await ledger.getByRole('link', { name: `Agreement ${agreement.id}` }).waitFor();
    await page.getByRole('table', { name: 'Credits spent per day' }).getByRole('cell', { name: '2', exact: true }).waitFor();
    // the server filters the ledger by key and by reason; the filters stay in the address
    const filters = page.getByRole('search', { name: 'Filter the ledger' });
    await filters.getByLabel('Key').selectOption(keyPublicId);
    await expect.poll(() => page.url()).toContain(`actor=${keyPublicId}`);
    await expect.poll(() => ledger.getByRole('row').count()).toBe(2);
    await ledger.getByRole('row', { name: /Agreement.*Depot tablet/ }).waitFor();
    await filters.getByLabel('Reason').selectOption('inspection');
    await page.getByText('No ledger entries match these filters').waitFor();
    await checkPage(page, 'credits-filtered-none');
    await page.reload();
    expect(await page.getByRole('search', { name: 'Filter the ledger' }).getByLabel('Reason').inputValue()).toBe('inspection');
    await page.getByRole('button', { name: 'Show every entry' }).click();
    expect(page.url()).not.toContain('actor=');
    await ledger.getByRole('link', { name: `Inspection ${inspection.id}` }).click();
    await page.getByRole('heading', { name: /^Inspection of /, level: 1 }).waitFor();
    expect(page.url()).toContain(`/console/records/inspections/${inspection.id}`);
    const checklist = page.getByRole('table', { name: 'Checklist items and their results' });
    await checklist.getByRole('row', { name: /Tyres.*fail.*Nearside front below 2 mm/ }).waitFor();
    await page.getByText('Scuff, 10 cm').waitFor();
    await page.getByRole('region', { name: 'Inspection', exact: true }).getByRole('link', { name: 'AB12CDE' }).waitFor();
    await expectPdfFrame(page, 'Inspection report (PDF)');
    expect(await downloadedPdfStart(page, `inspection-${inspection.id}.pdf`)).toBe('%PDF-');
    await checkPage(page, 'record-inspection');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets a member browse the records lists with filters in the URL, a customer with the latest licence check, and the check', async () => {
    const page = await (await newPersonContext(browser, server.baseUrl)).newPage();
    const errors = collectConsoleErrors(page);
    await logIn(page, memberEmail);
    expect(await navLinks(page)).toEqual(['Overview', 'Records', 'Credits']);
    await navLink(page, 'Records').click();
    await page.getByRole('heading', { name: 'Vehicles', level: 1 }).waitFor();
    const vehicles = page.getByRole('table', { name: /Vehicles/ });
    await vehicles.getByRole('link', { name: 'AB12CDE' }).waitFor();
    await checkPage(page, 'records-vehicles');

    // a registration filter that matches nothing: the empty state, and the filter in the address
    const search = page.getByRole('search', { name: 'Filter vehicles' });
    await search.getByLabel('Registration').fill('ZZ99 ZZZ');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No vehicles match these filters').waitFor();
    expect(page.url()).toContain('registration=ZZ99');
    await checkPage(page, 'records-vehicles-none');
    await search.getByLabel('Registration').fill('ab12cde');
    await search.getByRole('button', { name: 'Search' }).click();
    await vehicles.getByRole('link', { name: 'AB12CDE' }).waitFor();

    const records = page.getByRole('navigation', { name: 'Records' });
    await records.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('table', { name: /Customers/ }).getByRole('link', { name: 'Jo Bloggs' }).click();
    await page.getByRole('heading', { name: 'Jo Bloggs', level: 1 }).waitFor();
    const licence = page.getByRole('region', { name: 'Driving licence' });
    await licence.getByText('MORGA753116SM9IJ').waitFor();
    await licence.getByText(check.status, { exact: true }).waitFor();
    await checkPage(page, 'record-customer');

    await licence.getByRole('link', { name: 'Open the check' }).click();
    await page.getByRole('heading', { name: 'Licence check of MORGA753116SM9IJ' }).waitFor();
    await page.getByText('This answer is simulated').waitFor();
    await page.getByRole('region', { name: 'Result', exact: true }).getByRole('link', { name: 'Jo Bloggs' }).waitFor();
    await checkPage(page, 'record-licence-check');

    await records.getByRole('link', { name: 'Licence checks' }).click();
    await page.getByRole('table', { name: /Licence checks/ }).getByText('MORGA753116SM9IJ').waitFor();
    await checkPage(page, 'records-licence-checks');
    await records.getByRole('link', { name: 'Inspections' }).click();
    await page.getByRole('search', { name: 'Filter inspections' }).getByLabel('Status').selectOption('draft');
    await page.getByText('No inspections match these filters').waitFor();
    expect(page.url()).toContain('status=draft');
    await page.getByRole('search', { name: 'Filter inspections' }).getByLabel('Status').selectOption('completed');
    await page.getByRole('table', { name: /Inspections/ }).getByRole('link', { name: 'AB12CDE' }).waitFor();
    await checkPage(page, 'records-inspections');

    // a record that does not exist (or belongs to another company) says so
    await page.goto(`/console/records/vehicles/${randomUUID()}`);
    await page.getByText('No such vehicle').waitFor();
    await checkPage(page, 'record-not-found');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
