export interface VerifyFailure {
  code: string;
  companyId?: string;
  /** The first event seq this failure shows to be bad or missing (absent for a checkpoint's own signature problems). */
  seq?: number;
  /** The seq of the checkpoint this failure is about. */
  checkpointSeq?: number;
  line?: number;
  source?: string;
  message: string;
}

export interface VerifyReport {
  valid: boolean;
  input: string;
  companies: Array<{
    companyId: string;
    events: number;
    checked: number;
    lastSeq: number;
    lastHash: string | null;
    checkpointsVerified: number;
    firstBadSeq: number | null;
  }>;
  checkpoints: Array<{
    source: string;
    companyId?: string;
    seq?: number;
    hash?: string;
    kid?: string;
    signedAt?: string;
    status: 'verified' | 'failed' | 'not_checked';
    problem?: string;
  }>;
  failures: VerifyFailure[];
}

/** Calls onLine(text, lineNumber) for every line of a file (or stdin for '-'); resolves with the line count. */
export declare function forEachLine(path: string, onLine: (text: string, lineNumber: number) => void): Promise<number>;

/** Verifies an NDJSON export (path, or '-' for stdin) against keys from parseKeys and saved checkpoints. */
export declare function verifyExport(options: {
  input: string;
  keys: Map<string, unknown>;
  saved?: Array<{ checkpoint: unknown; source: string }>;
  /** Worker threads that parse and hash (default 1: all on the calling thread). */
  threads?: number;
}): Promise<VerifyReport>;
