import type { components } from './schema.js';

/**
 * Shapes of API contract 1.1 (API.md §4) that the committed openapi.json does not describe yet.
 * Written by hand from the contract; delete each piece once `npm run sdk` generates it.
 */
type Scope = components['schemas']['ScopeEntry']['name'];
type Role = components['schemas']['UserResponse']['role'];
type ApiKey = components['schemas']['ApiKeyResponse'];

/** Fields 1.1 adds to every API key in responses (optional here: a 1.0 server leaves them out). */
export interface ApiKey11Fields {
  /** The scopes as created, expanded and cut to the creator's current role. */
  effectiveScopes?: Scope[];
  creator?: { id: string; name: string; role: Role };
  revokedReason?: 'revoked' | 'creator_removed' | null;
  /** Set during a rotation's grace period. */
  previousSecretExpiresAt?: string | null;
}

export type ApiKeyView = ApiKey & ApiKey11Fields;

export interface UpdateApiKeyRequest {
  name?: string;
  description?: string;
  ipAllowlist?: string[];
  /** In the future, or null for no expiry. */
  expiresAt?: string | null;
  /** 0..1000000, or null for no cap. */
  dailyCreditLimit?: number | null;
}

export interface ApiKeyUsageBucket {
  start: string;
  requests: number;
  succeeded: number;
  denied: number;
  failed: number;
  creditsSpent: number;
}

export interface ApiKeyUsage {
  publicId: string;
  granularity: 'hour' | 'day';
  data: ApiKeyUsageBucket[];
}

interface Json<T> {
  headers: Record<string, unknown>;
  content: { 'application/json': T };
}

export interface PendingPaths {
  '/v1/api-keys/{publicId}': {
    parameters: { query?: never; header?: never; path: { publicId: string }; cookie?: never };
    patch: {
      parameters: { query?: never; header?: never; path: { publicId: string }; cookie?: never };
      requestBody: { content: { 'application/json': UpdateApiKeyRequest } };
      responses: { 200: Json<ApiKeyView> };
    };
  };
  '/v1/api-keys/{publicId}/usage': {
    parameters: { query?: never; header?: never; path: { publicId: string }; cookie?: never };
    get: {
      parameters: {
        query?: { from?: string; to?: string; granularity?: 'hour' | 'day' };
        header?: never;
        path: { publicId: string };
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<ApiKeyUsage> };
    };
  };
}
