import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { ok, type Schemas } from '../../../sdk/index.js';
import { api } from '../api/client.js';

export type Vehicle = Schemas['VehicleResponse'];
export type Customer = Schemas['CustomerResponse'];
export type Inspection = Schemas['InspectionResponse'];
export type Agreement = Schemas['AgreementResponse'];
export type LicenceCheck = Schemas['LicenceCheckResponse'];

/** The records lists' filters, as kept in the URL: exactly the API's own list filters. */
export interface VehicleFilters {
  registration?: string;
  includeArchived?: boolean;
}
export interface CustomerFilters {
  email?: string;
}
export interface InspectionFilters {
  vehicleId?: string;
  status?: Inspection['status'];
}
export interface AgreementFilters {
  vehicleId?: string;
  customerId?: string;
  status?: Agreement['status'];
}
export interface LicenceCheckFilters {
  customerId?: string;
}

const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A record id in a filter: anything else would only earn a 400, so it is dropped from the URL. */
const id = (value: unknown) => {
  const found = text(value, 36);
  return found && UUID.test(found) ? found : undefined;
};
const oneOf = <T extends string>(value: unknown, choices: readonly T[]) => (choices.includes(value as T) ? (value as T) : undefined);

export const parseVehicleFilters = (search: Record<string, unknown>): VehicleFilters => ({
  registration: text(search.registration, 16),
  includeArchived: search.includeArchived === true || search.includeArchived === 'true' ? true : undefined,
});
export const parseCustomerFilters = (search: Record<string, unknown>): CustomerFilters => ({ email: text(search.email, 254) });
export const parseInspectionFilters = (search: Record<string, unknown>): InspectionFilters => ({
  vehicleId: id(search.vehicleId),
  status: oneOf(search.status, ['draft', 'completed'] as const),
});
export const parseAgreementFilters = (search: Record<string, unknown>): AgreementFilters => ({
  vehicleId: id(search.vehicleId),
  customerId: id(search.customerId),
  status: oneOf(search.status, ['pending_signature', 'signed'] as const),
});
export const parseLicenceCheckFilters = (search: Record<string, unknown>): LicenceCheckFilters => ({ customerId: id(search.customerId) });

/** Only the filters that are set, as the API's query parameters. */
const defined = <T extends object>(filters: T): T => Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as T;

export const recordKeys = {
  all: ['records'] as const,
  list: (kind: string, filters: object) => [...recordKeys.all, kind, 'list', defined(filters)] as const,
  detail: (kind: string, id: string) => [...recordKeys.all, kind, 'detail', id] as const,
  pdf: (kind: string, id: string, version: string) => [...recordKeys.all, kind, 'pdf', id, version] as const,
};

const PAGE = 50;
const pages = { initialPageParam: undefined as string | undefined, getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor ?? undefined };
const cursor = (pageParam: string | undefined) => ({ limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) });

export const vehicleListQuery = (filters: VehicleFilters) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list('vehicles', filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/vehicles', { params: { query: { ...defined(filters), ...cursor(pageParam) } } })),
    ...pages,
  });
export const customerListQuery = (filters: CustomerFilters) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list('customers', filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/customers', { params: { query: { ...defined(filters), ...cursor(pageParam) } } })),
    ...pages,
  });
export const inspectionListQuery = (filters: InspectionFilters) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list('inspections', filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/inspections', { params: { query: { ...defined(filters), ...cursor(pageParam) } } })),
    ...pages,
  });
export const agreementListQuery = (filters: AgreementFilters) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list('agreements', filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/agreements', { params: { query: { ...defined(filters), ...cursor(pageParam) } } })),
    ...pages,
  });
export const licenceCheckListQuery = (filters: LicenceCheckFilters) =>
  infiniteQueryOptions({
    queryKey: recordKeys.list('licence-checks', filters),
    queryFn: ({ pageParam }) => ok(api.GET('/v1/licence-checks', { params: { query: { ...defined(filters), ...cursor(pageParam) } } })),
    ...pages,
  });

const path = (id: string) => ({ params: { path: { id } } });
export const vehicleQuery = (id: string) => queryOptions({ queryKey: recordKeys.detail('vehicles', id), queryFn: () => ok(api.GET('/v1/vehicles/{id}', path(id))) });
export const customerQuery = (id: string) => queryOptions({ queryKey: recordKeys.detail('customers', id), queryFn: () => ok(api.GET('/v1/customers/{id}', path(id))) });
export const inspectionQuery = (id: string) => queryOptions({ queryKey: recordKeys.detail('inspections', id), queryFn: () => ok(api.GET('/v1/inspections/{id}', path(id))) });
export const agreementQuery = (id: string) => queryOptions({ queryKey: recordKeys.detail('agreements', id), queryFn: () => ok(api.GET('/v1/agreements/{id}', path(id))) });
export const licenceCheckQuery = (id: string) => queryOptions({ queryKey: recordKeys.detail('licence-checks', id), queryFn: () => ok(api.GET('/v1/licence-checks/{id}', path(id))) });

/**
 * A record's PDF as a Blob, fetched through the typed client so the bearer token rides in the
 * Authorization header (a plain <iframe src> could not send it, and a token never goes in a URL).
 * `version` (the record's status) refetches it once signing changes the document.
 */
export const pdfQuery = (kind: 'inspection' | 'agreement', id: string, version: string) =>
  queryOptions({
    queryKey: recordKeys.pdf(kind, id, version),
    queryFn: async () => {
      const call =
        kind === 'inspection'
          ? api.GET('/v1/inspections/{id}/pdf', { ...path(id), parseAs: 'blob' })
          : api.GET('/v1/agreements/{id}/document', { ...path(id), parseAs: 'blob' });
      const blob = await ok(call);
      // the iframe needs the type to show a PDF rather than offer a download
      return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
    },
    staleTime: Infinity,
  });
