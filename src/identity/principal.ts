import { DomainError } from '../platform/http/domain-error.js';
import type { ProblemCode } from '../platform/http/problem-codes.js';
import type { OperationActor } from '../platform/operations/operation.js';
import type { Role, Scope } from './scopes/scope-catalogue.js';

export type PrincipalType = 'user' | 'api_key';
/** How the principal proved itself: a user JWT, the API key itself, or a JWT exchanged for a key. */
export type CredentialKind = 'user_token' | 'api_key' | 'key_token';

/** Whoever is calling, whatever credential they used. Every guard and service reads this one shape. */
export interface Principal extends OperationActor {
  readonly type: PrincipalType;
  readonly credential: CredentialKind;
  readonly companyId: string;
  /** The user; for a key, the user who created it. */
  readonly userId: string;
  /** The user's current role; for a key, its creator's current role. */
  readonly role: Role;
  /** Display name for audit: the user's name or the key's name. */
  readonly name: string;
  readonly apiKeyId?: string;
  readonly publicId?: string;
  /** Expanded, effective scopes (for a key: its scopes ∩ its creator's role). */
  readonly scopes: ReadonlySet<Scope>;
  /** A key's own daily credit cap; null = no cap. */
  readonly dailyCreditLimit?: number | null;
  /** For keys: the rotation generation of the credential presented (key tokens are issued for it). */
  readonly keyGeneration?: number;
}

/** The rate-limit budget a key spends, shared with the tokens exchanged for it (its public id never changes). */
export const keyBudget = (publicId: string): string => `key:${publicId}`;
/** A user's own rate-limit budget. */
export const userBudget = (userId: string): string => `user:${userId}`;

/**
 * A bearer credential checked as far as it can be without the database (a key's form and checksum, a
 * token's signature and expiry): the budget it spends, and the lookup that decides whether it stands.
 */
export interface PresentedCredential {
  readonly budget: string;
  lookUp(): Promise<Principal>;
}

/**
 * A credential whose secret verified but which is refused (revoked, expired, API off, IP not
 * allowed): the caller is known, so the refusal can be written into their company's audit log. A
 * credential that did not verify is never attributed to anyone.
 */
export class RefusedCredential extends DomainError {
  constructor(
    readonly caller: OperationActor,
    code: ProblemCode,
    detail: string,
    extensions?: Record<string, unknown>,
  ) {
    super(code, detail, extensions);
  }
}

const REFUSED_CALLER = Symbol('refusedCaller');

/** Remembers on the request who a refused-but-identified credential belonged to (usage counts it as denied). */
export function rememberRefusedCaller(request: object, caller: OperationActor): void {
  (request as { [REFUSED_CALLER]?: OperationActor })[REFUSED_CALLER] = caller;
}

export function refusedCallerOf(request: object): OperationActor | undefined {
  return (request as { [REFUSED_CALLER]?: OperationActor })[REFUSED_CALLER];
}
