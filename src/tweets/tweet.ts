import type { MarkedLink, MarkedText } from './marked-text.js';

/** A tweet as far as we know it; every part may be missing except one way to identify it. */
export interface Tweet {
  /** Numeric status id, when a link gave one. */
  id?: string | undefined;
  /** Canonical link, `https://x.com/<handle>/status/<id>` (or `/i/web/status/<id>` without a handle). */
  url?: string | undefined;
  /** Without the `@`. */
  handle?: string | undefined;
  authorName?: string | undefined;
  text?: string | undefined;
}

/** Tweet data that a platform already extracted: a Slack unfurl attachment or a Discord embed. */
export interface TweetUnfurl {
  /** `@handle`, `handle`, or a display name. */
  author?: string | undefined;
  /** With the platform's markup decoded, as in {@link MarkedText}; `links` are the links marked up in it. */
  text?: string | undefined;
  links?: readonly MarkedLink[] | undefined;
  url?: string | undefined;
}

/**
 * What a user gave us to save: chat text whose platform markup the adapter decoded (see {@link MarkedText}), and
 * the platform's preview of the tweet when there was one.
 */
export interface TweetInput extends MarkedText {
  unfurl?: TweetUnfurl | undefined;
  /**
   * The sender's own words next to the link in a message (DM, forward, message shortcut), not the tweet's text: they
   * become the row's note, and its text when no source has the tweet's. `#tags` ending them become tags.
   */
  comment?: string | undefined;
}
