import type { BacklogFigures } from './accept-backlog.js';

/** One app's figures from one run; null where a figure could not be measured (the notes say why). */
export interface AppFigures {
  app: 'product' | 'baseline' | 'floor';
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** p99 of the acks for requests sent after the run's first second: the app's cold start left out. */
  warmAckP99Ms?: number | null | undefined;
  /** Requests whose ack was not HTTP 200. */
  ackNon200: number;
  /** Acks that took longer than a second (the tail behind p99). */
  ackOver1s: number;
  cpuMsPerSave: number;
  /** From the first request sent until the last row existed; null when not every row appeared. */
  allRowsS: number | null;
  /** When the last row that did appear existed, s after the first request. */
  lastRowS: number | null;
  rowsCreated: number;
  rowsExpected: number;
  notionCalls: number;
  callsPerRow: number | null;
  notion429s: number;
  peakRssMb: number;
  idleRssMb: number;
  logLinesPerSave: number;
  /** Saves answered through their response_url (at least once). */
  answered: number;
  /** The bench process's own event-loop delay while sending (it hosts the load generator and the emulations). */
  harnessLagP99Ms: number;
  harnessLagMaxMs: number;
  /** Connections completed by the kernel and not yet accepted by the app while the load was sent (Linux only). */
  acceptBacklog?: BacklogFigures | undefined;
  /** The product's own view of its acks (its /metrics histogram of /slack/events answers, headers to response). */
  serverAcks?: { answers: number; within200msPct: number; p99AtMostMs: number } | undefined;
}

export interface ProductExtras {
  /** Idle RSS (and peak) of a product started on a store already holding this many connections. */
  stored?:
    | { connections: number; idleRssMb: number; peakRssMb: number; emptyIdleRssMb: number; seedS: number }
    | { skipped: string };
  burst?: {
    saves: number;
    completionS: number | null;
    lastRowS: number | null;
    rowsCreated: number;
    floorS: number;
    notionCalls: number;
    notion429s: number;
  };
}

export interface BenchResult {
  at: string;
  machine: { cpus: number; model: string; node: string; loadavg: number[] };
  options: Record<string, unknown>;
  apps: AppFigures[];
  product: ProductExtras;
  notes: string[];
}

/** The bars, shown beside the figures. */
export const TARGETS: Record<string, string> = {
  ack: 'p99 ≤ 200 ms',
  cpu: '≤ 5 ms',
  rows: '≤ 7.5 s',
  calls: '≤ 1.05',
  peak: '≤ 150 MB',
  idle: 'flat in stored connections',
};

const n = (v: number | null, digits = 0) =>
  v === null || Number.isNaN(v)
    ? '—'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;

interface Column {
  head: string;
  target: string;
  cell(f: AppFigures): string;
  value(f: AppFigures): number | null;
}

const COLUMNS: Column[] = [
  {
    head: 'ack p50 / p99 ms',
    target: TARGETS.ack!,
    cell: (f) => `${n(f.ackP50Ms)} / ${n(f.ackP99Ms)}`,
    value: (f) => f.ackP99Ms,
  },
  { head: 'CPU ms / save', target: TARGETS.cpu!, cell: (f) => n(f.cpuMsPerSave, 1), value: (f) => f.cpuMsPerSave },
  {
    head: 'all rows exist, s',
    target: TARGETS.rows!,
    cell: (f) =>
      f.allRowsS === null ? `never (${f.rowsCreated}/${f.rowsExpected} by ${n(f.lastRowS, 1)} s)` : n(f.allRowsS, 1),
    value: (f) => f.allRowsS,
  },
  {
    head: 'Notion calls / row',
    target: TARGETS.calls!,
    cell: (f) => `${n(f.callsPerRow, 2)} (${f.notion429s} × 429)`,
    value: (f) => f.callsPerRow,
  },
  { head: 'peak RSS MB', target: TARGETS.peak!, cell: (f) => n(f.peakRssMb), value: (f) => f.peakRssMb },
  { head: 'idle RSS MB', target: TARGETS.idle!, cell: (f) => n(f.idleRssMb), value: (f) => f.idleRssMb },
];

/** The three-way table with the two ratio rows, as Markdown (also readable as plain text). */
export function markdownTable(result: BenchResult): string {
  const rows: string[][] = [
    ['', ...COLUMNS.map((c) => c.head)],
    ['---', ...COLUMNS.map(() => '---')],
  ];
  rows.push(['target (issue 13)', ...COLUMNS.map((c) => c.target)]);
  for (const f of result.apps) rows.push([f.app, ...COLUMNS.map((c) => c.cell(f))]);
  const product = result.apps.find((f) => f.app === 'product');
  for (const other of ['floor', 'baseline'] as const) {
    const o = result.apps.find((f) => f.app === other);
    if (product && o) rows.push([`product / ${other}`, ...COLUMNS.map((c) => ratio(c.value(product), c.value(o)))]);
  }
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function markdownReport(result: BenchResult): string {
  const o = result.options;
  const lines = [
    `# save-to-notion bench, ${result.at}`,
    '',
    `${result.machine.cpus} CPUs (${result.machine.model}), Node ${result.machine.node}, load average before the ` +
      `run ${result.machine.loadavg.map((l) => l.toFixed(2)).join(' ')}; the load generator and the emulations ` +
      'share these cores with the app.',
    `Load: ${o.users} connected users, ${o.requests} signed \`/save-tweet\` requests (each a distinct tweet link), ` +
      `${o.concurrency} in flight; Notion emulated with ${o.latencyMs} ms latency and ${o.rate} requests/s per ` +
      `connection (burst ${o.burst}); product store: ${o.store}.`,
    '',
    markdownTable(result),
    '',
  ];
  const p = result.product;
  if (p.stored) {
    lines.push(
      'skipped' in p.stored
        ? `- Product with stored connections at rest: skipped (${p.stored.skipped}).`
        : `- Product at rest, 3 s after start: ${n(p.stored.idleRssMb)} MB RSS (peak ${n(p.stored.peakRssMb)} MB) ` +
            `with ${p.stored.connections.toLocaleString('en-US')} stored connections, ` +
            `${n(p.stored.emptyIdleRssMb)} MB with an empty store ` +
            `(seeded through the product's store modules in ${n(p.stored.seedS, 1)} s).`,
    );
  }
  if (p.burst) {
    lines.push(
      `- One user, burst of ${p.burst.saves} saves (product): ` +
        (p.burst.completionS === null
          ? `not every row appeared (${p.burst.rowsCreated}/${p.burst.saves}, ` +
            `the last ${n(p.burst.lastRowS, 1)} s after the first request); `
          : `every row existed ${n(p.burst.completionS, 1)} s after the first request; `) +
        `the rate limit allows ${n(p.burst.floorS, 1)} s ((${p.burst.saves} − burst) / rate); ` +
        `${p.burst.notionCalls} Notion calls, ${p.burst.notion429s} answered 429.`,
    );
  }
  for (const f of result.apps) {
    lines.push(
      `- ${f.app}: ${f.rowsCreated}/${f.rowsExpected} rows counted in the emulation, ${f.answered} answers posted, ` +
        `${f.ackNon200} acks not 200, ${f.ackOver1s} acks over 1 s, ack max ${n(f.ackMaxMs)} ms, ` +
        (f.warmAckP99Ms != null ? `ack p99 after the first second ${n(f.warmAckP99Ms)} ms, ` : '') +
        `${n(f.logLinesPerSave, 1)} log lines per save; the bench process's event-loop delay while sending: ` +
        `p99 ${n(f.harnessLagP99Ms)} ms, max ${n(f.harnessLagMaxMs)} ms` +
        (f.acceptBacklog
          ? `; connections waiting in the app's accept queue: up to ${f.acceptBacklog.max}, ` +
            `for ${n(f.acceptBacklog.waitingMs)} ms in all.`
          : '.'),
    );
  }
  for (const f of result.apps) {
    if (!f.serverAcks) continue;
    lines.push(
      `- ${f.app}'s own timing (its /metrics, request headers read → response sent): ` +
        `${n(f.serverAcks.within200msPct, 1)} % of ${f.serverAcks.answers} /slack/events answers within 200 ms, ` +
        `p99 at most ${n(f.serverAcks.p99AtMostMs)} ms; the ack times above also hold the time a request waits ` +
        "before the product reads it and the load generator's own delay (it sends with node:http keep-alive).",
    );
  }
  for (const note of result.notes) lines.push(`- ${note}`);
  return `${lines.join('\n')}\n`;
}
