import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery staple';
export const email = (who: string) => `${who}-${randomUUID().slice(0, 8)}@acme-vans.example`;

/** Logs in through the sign-in form, by keyboard only. */
export async function logIn(page: Page, address: string): Promise<void> {
  await page.goto('/console/');
  await page.getByRole('heading', { name: 'Log in to the console' }).waitFor();
  await page.getByLabel('E-mail').focus();
  await page.keyboard.type(address);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

export const navLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });
export const navLinks = async (page: Page) => (await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).map((text) => text.trim());
