import type { PoolClient } from 'pg';
import { poolOf } from '../../src/platform/database/pool.js';
import type { TestApp } from './test-app.js';

/** The text of every statement the app's pool sends while `action` runs (on connections taken from the pool meanwhile). */
export async function statementsSentDuring(app: TestApp, action: () => Promise<unknown>): Promise<string[]> {
  const pool = poolOf(app.dataSource);
  const sent: string[] = [];
  const watched: PoolClient[] = [];
  const watch = (client: PoolClient) => {
    if (Object.hasOwn(client, 'query')) return; // already watched
    const query = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
    Object.defineProperty(client, 'query', {
      configurable: true,
      value: (...args: unknown[]) => {
        const [statement] = args;
        sent.push(typeof statement === 'string' ? statement : (statement as { text: string }).text);
        return query.query.apply(client, args);
      },
    });
    watched.push(client);
  };
  pool.on('acquire', watch);
  try {
    await action();
  } finally {
    pool.off('acquire', watch);
    for (const client of watched) delete (client as { query?: unknown }).query;
  }
  return sent;
}
