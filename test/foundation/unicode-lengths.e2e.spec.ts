import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCompany, type SignedUp } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 200;

/**
 * Strings whose UTF-16 length, code-point count and perceived characters all differ, each exactly at the
 * 200-code-point limit of a user's name (and one code point over it).
 */
const fill = (unit: string, codePoints: number): string => {
  const perUnit = [...unit].length;
  let text = unit.repeat(Math.floor(codePoints / perUnit));
  while ([...text].length < codePoints) text += 'a';
  return text;
};
const SAMPLES: Record<string, string> = {
  'variation selectors (a + VS16)': 'a\uFE0F',
  'emoji with VS16 (❤️)': '\u2764\uFE0F',
  'combining marks (e + acute + grave)': 'e\u0301\u0300',
  'emoji ZWJ sequence (👩‍👩‍👧)': '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}',
  'astral letters (𝒜)': '\u{1D49C}',
  'flag (🇬🇧)': '\u{1F1EC}\u{1F1E7}',
};

describe('length limits count code points, whatever the string is made of', () => {
  let app: TestApp;
  let owner: SignedUp;
  beforeAll(async () => {
    app = await startTestApp();
    owner = await newCompany(app);
  });
  afterAll(() => app.close());

  for (const [label, unit] of Object.entries(SAMPLES)) {
    it(`${label}: ${LIMIT} code points are stored whole; ${LIMIT + 1} answer 400; never a 5xx`, async () => {
      const atLimit = fill(unit, LIMIT);
      expect([...atLimit]).toHaveLength(LIMIT);
      const accepted = await app.http().patch(`/v1/account/users/${owner.userId}`).set(owner.auth).send({ name: atLimit });
      expect(accepted.status).toBe(200);
      expect((accepted.body as { name: string }).name).toBe(atLimit);

      const over = await app.http().patch(`/v1/account/users/${owner.userId}`).set(owner.auth).send({ name: `${atLimit}b` });
      expect(over.status).toBe(400);
      expect(over.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field: 'name' })] });

      // sign-up: company name and user name at the limit, and over it
      const signup = (name: string) => app.http().post('/v1/auth/signup')
        .send({ companyName: name, name, email: `unicode-${crypto.randomUUID()}@example.co.uk`, password: 'correct horse battery staple' });
      expect((await signup(atLimit)).status).toBe(201);
      expect((await signup(`${atLimit}b`)).status).toBe(400);
    });
  }
});
