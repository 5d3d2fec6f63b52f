import { v7 as uuidv7 } from 'uuid';

const WELL_FORMED = /^[A-Za-z0-9\-_.:]{1,128}$/;

/** Echo a well-formed incoming X-Request-Id, otherwise generate one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming && WELL_FORMED.test(incoming) ? incoming : uuidv7();
}
