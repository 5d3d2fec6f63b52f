import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Navigate, Outlet } from '@tanstack/react-router';
import { useEffect } from 'react';
import { ApiAccessPage } from './access/api-access-page.js';
import { SignInPage } from './auth/sign-in-page.js';
import { Forbidden, Layout, NotFound } from './layout.js';
import { KeyCreatePage } from './keys/key-create-page.js';
import { KeyDetailPage } from './keys/key-detail-page.js';
import { KeysPage, parseKeyFilters } from './keys/keys-page.js';
import { parseAuditFilters } from './audit/queries.js';
import { parseLedgerFilters } from './credits/queries.js';
import { parseAgreementFilters, parseCustomerFilters, parseInspectionFilters, parseLicenceCheckFilters, parseVehicleFilters } from './records/queries.js';
import { OverviewPage } from './overview/overview-page.js';
import { permissionsOf, type Permissions } from './session/permissions.js';
import { useSession } from './session/session.js';
import { Loading } from './components/States.js';
import { TeamPage } from './team/team-page.js';

const rootRoute = createRootRoute({
  component: Outlet,
  notFoundComponent: NotFound,
});

/** Pages behind the sign-in; `allowed` hides a page from roles that may not use it. */
function Gate({ allowed, page: Page }: { allowed?: (permissions: Permissions) => boolean; page: React.ComponentType }) {
  const { state } = useSession();
  const role = state.status === 'signed-in' ? state.me.role : undefined;
  useEffect(() => {
    if (role) preloadPages(permissionsOf(role));
  }, [role]);
  if (state.status === 'loading') return <Loading label="Signing you in…" />;
  if (state.status === 'signed-out') {
    const redirect = window.location.pathname.replace(/^\/console/, '') + window.location.search;
    return <Navigate to="/sign-in" search={{ redirect: redirect === '/' ? undefined : redirect }} replace />;
  }
  const permitted = !allowed || allowed(permissionsOf(state.me.role));
  return <Layout>{permitted ? <Page /> : <Forbidden />}</Layout>;
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { redirect?: string; mode?: 'signup' } => ({
    redirect: typeof search.redirect === 'string' && /^\/(?!\/)/.test(search.redirect) ? search.redirect : undefined,
    mode: search.mode === 'signup' ? 'signup' : undefined,
  }),
  component: SignInPage,
});

const overviewRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  component: () => <Gate page={OverviewPage} />,
});

const apiAccessRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/api-access',
  component: () => <Gate allowed={(can) => can.manageApiAccess} page={ApiAccessPage} />,
});

const keysRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/keys',
  validateSearch: parseKeyFilters,
  component: () => <Gate allowed={(can) => can.viewKeys} page={KeysPage} />,
});

const keyCreateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/keys/new',
  component: () => <Gate allowed={(can) => can.manageKeys} page={KeyCreatePage} />,
});

const keyDetailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/keys/$publicId',
  component: () => <Gate allowed={(can) => can.viewKeys} page={KeyDetailPage} />,
});

const KeyHygienePage = lazyRouteComponent(() => import('./keys/key-hygiene-page.js'), 'KeyHygienePage');

const keyHygieneRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/keys/hygiene',
  component: () => <Gate allowed={(can) => can.viewKeys} page={KeyHygienePage} />,
});

const AuditPage = lazyRouteComponent(() => import('./audit/audit-page.js'), 'AuditPage');

const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/audit',
  validateSearch: parseAuditFilters,
  component: () => <Gate allowed={(can) => can.readAudit} page={AuditPage} />,
});

const CreditsPage = lazyRouteComponent(() => import('./credits/credits-page.js'), 'CreditsPage');

const creditsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/credits',
  validateSearch: parseLedgerFilters,
  component: () => <Gate page={CreditsPage} />,
});

const WebhooksPage = lazyRouteComponent(() => import('./webhooks/webhooks-page.js'), 'WebhooksPage');
const WebhookDetailPage = lazyRouteComponent(() => import('./webhooks/webhook-detail-page.js'), 'WebhookDetailPage');

const webhooksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/webhooks',
  component: () => <Gate allowed={(can) => can.viewWebhooks} page={WebhooksPage} />,
});

const webhookDetailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/webhooks/$id',
  component: () => <Gate allowed={(can) => can.viewWebhooks} page={WebhookDetailPage} />,
});

// Records: read-only, one lazy chunk per kind; every role reads fleet data (API.md §2)
const records = {
  VehiclesPage: lazyRouteComponent(() => import('./records/vehicles.js'), 'VehiclesPage'),
  VehiclePage: lazyRouteComponent(() => import('./records/vehicles.js'), 'VehiclePage'),
  CustomersPage: lazyRouteComponent(() => import('./records/customers.js'), 'CustomersPage'),
  CustomerPage: lazyRouteComponent(() => import('./records/customers.js'), 'CustomerPage'),
  InspectionsPage: lazyRouteComponent(() => import('./records/inspections.js'), 'InspectionsPage'),
  InspectionPage: lazyRouteComponent(() => import('./records/inspections.js'), 'InspectionPage'),
  AgreementsPage: lazyRouteComponent(() => import('./records/agreements.js'), 'AgreementsPage'),
  AgreementPage: lazyRouteComponent(() => import('./records/agreements.js'), 'AgreementPage'),
  LicenceChecksPage: lazyRouteComponent(() => import('./records/licence-checks.js'), 'LicenceChecksPage'),
  LicenceCheckPage: lazyRouteComponent(() => import('./records/licence-checks.js'), 'LicenceCheckPage'),
};
const readRecords = (can: Permissions) => can.readRecords;

const recordsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records',
  component: () => <Navigate to="/records/vehicles" replace />,
});
const vehiclesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/vehicles',
  validateSearch: parseVehicleFilters,
  component: () => <Gate allowed={readRecords} page={records.VehiclesPage} />,
});
const vehicleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/vehicles/$id',
  component: () => <Gate allowed={readRecords} page={records.VehiclePage} />,
});
const customersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/customers',
  validateSearch: parseCustomerFilters,
  component: () => <Gate allowed={readRecords} page={records.CustomersPage} />,
});
const customerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/customers/$id',
  component: () => <Gate allowed={readRecords} page={records.CustomerPage} />,
});
const inspectionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/inspections',
  validateSearch: parseInspectionFilters,
  component: () => <Gate allowed={readRecords} page={records.InspectionsPage} />,
});
const inspectionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/inspections/$id',
  component: () => <Gate allowed={readRecords} page={records.InspectionPage} />,
});
const agreementsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/agreements',
  validateSearch: parseAgreementFilters,
  component: () => <Gate allowed={readRecords} page={records.AgreementsPage} />,
});
const agreementRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/agreements/$id',
  component: () => <Gate allowed={readRecords} page={records.AgreementPage} />,
});
const licenceChecksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/licence-checks',
  validateSearch: parseLicenceCheckFilters,
  component: () => <Gate allowed={readRecords} page={records.LicenceChecksPage} />,
});
const licenceCheckRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/records/licence-checks/$id',
  component: () => <Gate allowed={readRecords} page={records.LicenceCheckPage} />,
});

const teamRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/team',
  component: () => <Gate allowed={(can) => can.manageTeam} page={TeamPage} />,
});

/**
 * Once the first signed-in page is idle, the chunks of the other pages the role may open are fetched,
 * so moving between areas never waits for a chunk (nor for React's delay before revealing a suspended
 * page, about 300 ms). The initial JavaScript stays as small as it was.
 */
const PRELOADED: [(can: Permissions) => boolean, { preload?: () => Promise<void> | undefined }[]][] = [
  [(can) => can.readAudit, [AuditPage]],
  [() => true, [CreditsPage]],
  [(can) => can.viewWebhooks, [WebhooksPage, WebhookDetailPage]],
  [(can) => can.viewKeys, [KeyHygienePage]],
  [readRecords, Object.values(records)],
];
let pagesPreloaded = false;

function preloadPages(can: Permissions): void {
  if (pagesPreloaded) return;
  pagesPreloaded = true;
  const load = () => {
    for (const [allowed, pages] of PRELOADED) if (allowed(can)) for (const page of pages) void page.preload?.();
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(load);
  else setTimeout(load, 200);
}

const routeTree = rootRoute.addChildren([
  signInRoute,
  overviewRoute,
  apiAccessRoute,
  keysRoute,
  keyCreateRoute,
  keyDetailRoute,
  keyHygieneRoute,
  auditRoute,
  creditsRoute,
  webhooksRoute,
  webhookDetailRoute,
  recordsRoute,
  vehiclesRoute,
  vehicleRoute,
  customersRoute,
  customerRoute,
  inspectionsRoute,
  inspectionRoute,
  agreementsRoute,
  agreementRoute,
  licenceChecksRoute,
  licenceCheckRoute,
  teamRoute,
]);

export const router = createRouter({
  routeTree,
  basepath: '/console',
  defaultPreload: false,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
