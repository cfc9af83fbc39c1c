/**
 * What the product counts for operators (GET /metrics). Core calls the save methods, the Notion gateway `notionCall`;
 * neither knows how they are exported. `noMetrics` is for tests and tools that do not care.
 */
export interface Metrics {
  /** A save was acknowledged to the user and its job stored. */
  saveAccepted(): void;
  /** A save reached the user's Notion table. */
  saveWritten(): void;
  /** A save job will run again (rate limit, outage, error). */
  saveRetried(): void;
  /** A save was given up (SAVE_GIVE_UP_AFTER_HOURS, or a failure no retry can fix) and the user told. */
  saveGivenUp(): void;
  /** One HTTP request to Notion: its status (`200`, `429`, …, or `error` when no answer came) and how long it took. */
  notionCall(status: number | 'error', seconds: number): void;
  /**
   * One request to the product's HTTP server, from its headers read to its response sent: `route` is a registered
   * path (`/slack/events`, …) or `other`, so no request can add a label value.
   */
  httpRequest(route: string, status: number, seconds: number): void;
}

export const noMetrics: Metrics = {
  saveAccepted() {},
  saveWritten() {},
  saveRetried() {},
  saveGivenUp() {},
  notionCall() {},
  httpRequest() {},
};
