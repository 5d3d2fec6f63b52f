import type { Principal } from '../identity/principal.js';
import type { LedgerActor } from './credit-ledger-entry.entity.js';

export function ledgerActorOf(principal: Principal): LedgerActor {
  if (principal.type === 'api_key') {
    return { type: 'api_key', id: principal.apiKeyId ?? null, name: principal.name, ...(principal.publicId ? { publicId: principal.publicId } : {}) };
  }
  return { type: 'user', id: principal.userId, name: principal.name };
}
