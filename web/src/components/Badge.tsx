export function StatusBadge({ status }: { status: string }) {
  const tone = status === 'ACTIVE' ? 'ok' : status === 'EXPIRED' ? 'warn' : 'muted';
  return <span className={`badge badge-${tone}`}>{status.charAt(0) + status.slice(1).toLowerCase()}</span>;
}

export function Tag({ children, tone = 'muted' }: { children: string; tone?: 'ok' | 'warn' | 'muted' | 'info' }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
