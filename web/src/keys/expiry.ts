export type ExpiryChoice = '30d' | '90d' | '365d' | 'never' | 'custom';

export const EXPIRY_OPTIONS: { value: ExpiryChoice; label: string }[] = [
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '365d', label: '1 year' },
  { value: 'never', label: 'No expiry' },
  { value: 'custom', label: 'On a date' },
];

const DAY_MS = 86_400_000;

/** The ISO expiry for a choice; null = never; undefined for a custom date not in the future. */
export function expiryOf(choice: ExpiryChoice, customDate: string, now = Date.now()): string | null | undefined {
  switch (choice) {
    case '30d':
      return new Date(now + 30 * DAY_MS).toISOString();
    case '90d':
      return new Date(now + 90 * DAY_MS).toISOString();
    case '365d':
      return new Date(now + 365 * DAY_MS).toISOString();
    case 'never':
      return null;
    case 'custom': {
      // end of the chosen day, UTC
      const at = new Date(`${customDate}T23:59:59Z`);
      return Number.isNaN(at.getTime()) || at.getTime() <= now ? undefined : at.toISOString();
    }
  }
}
