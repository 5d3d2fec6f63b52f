/** The `prevHash` of a company's first event (seq 1). */
export declare const GENESIS_HASH: string;

/** Every field the hash covers. `occurredAt`: a Date, or its ISO 8601 form exactly as exported. */
export interface CanonicalEventInput {
  id: string;
  seq: number;
  occurredAt: Date | string;
  companyId: string;
  actor: { type: string; id: string | null; name: string | null; publicId?: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  action: string;
  method: string;
  path: string;
  resourceType: string | null;
  resourceId: string | null;
  status: number;
  outcome: string;
  creditsSpent: number;
  idempotencyKey: string | null;
  /** The stored text of `changes` (server side) or its parsed form (an export); null/absent = not hashed. */
  changes?: string | Record<string, unknown> | null;
}

/** JSON of the event's fields in the fixed chain order, nulls spelled out. */
export declare function canonicalEvent(event: CanonicalEventInput): string;

/** `SHA-256(UTF-8(canonicalEvent(event) + prevHash))`, lowercase hex. */
export declare function chainHash(event: CanonicalEventInput, prevHash: string): string;
