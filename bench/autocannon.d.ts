/** The part of autocannon's programmatic API the benches use (the package ships no types). */
declare module 'autocannon' {
  interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface RequestSpec {
    setupRequest?: (request: RequestParams) => RequestParams;
    onResponse?: (status: number, body: string) => void;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: RequestSpec[];
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; mean: number };
    errors: number;
    timeouts: number;
    /** Seconds the run lasted. */
    duration: number;
    '2xx': number;
    non2xx: number;
  }
  interface Instance {
    on(event: 'done', listener: (result: Result) => void): void;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
