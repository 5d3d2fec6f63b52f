import { createFleetgateClient, type FleetgateClient, ok } from '../../sdk/index.js';
import { email, PASSWORD } from './people.js';

export interface SignedUpCompany {
  ownerEmail: string;
  /** The owner's calls, through the typed client (the console's own way to the API). */
  owner: FleetgateClient;
  /** Adds a user with a role; returns their e-mail address. */
  addUser: (name: string, role: 'admin' | 'member' | 'auditor') => Promise<string>;
}

/** A new company signed up through the API, for tests that set data up before the browser comes in. */
export async function signUpCompany(baseUrl: string, companyName: string): Promise<SignedUpCompany> {
  const ownerEmail = email('owner');
  const created = await ok(createFleetgateClient({ baseUrl }).POST('/v1/auth/signup', { body: { companyName, name: 'Olive Owner', email: ownerEmail, password: PASSWORD } }));
  const owner = createFleetgateClient({ baseUrl, credential: created.accessToken });
  return {
    ownerEmail,
    owner,
    addUser: async (name, role) => {
      const address = email(role);
      await ok(owner.POST('/v1/account/users', { body: { name, email: address, password: PASSWORD, role } }));
      return address;
    },
  };
}
