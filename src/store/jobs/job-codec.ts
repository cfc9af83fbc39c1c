import { z } from 'zod';
import type { ReplyTo, SaveJob } from '../../core/save-jobs.js';
import type { TokenCipher } from '../token-cipher.js';

/**
 * How a durable engine stores a SaveJob: JSON with `replyTo` (a Slack response_url or a Discord interaction token:
 * credentials) sealed by the token cipher, bound to the job's key so a blob cannot be moved to another job.
 */
export interface JobCodec {
  encode(job: SaveJob): string;
  /** Throws (StoreDecryptError, or a TypeError for a malformed record) when the stored text is not a job of ours. */
  decode(text: string): SaveJob;
}

const optionalString = z.string().optional();

const replyToSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack_response_url'), url: z.string(), expiresAt: z.string() }),
  z.object({
    kind: z.literal('discord_interaction'),
    applicationId: z.string(),
    token: z.string(),
    expiresAt: z.string(),
  }),
  z.object({ kind: z.literal('dm'), channelId: optionalString }),
]) satisfies z.ZodType<ReplyTo>;

const storedSchema = z.object({
  v: z.literal(1),
  // Loose: a field added to SaveJob later survives a round trip through an older codec.
  job: z.looseObject({
    key: z.string(),
    user: z.looseObject({
      platform: z.enum(['slack', 'discord']),
      teamId: optionalString,
      userId: z.string(),
      displayName: optionalString,
    }),
    tweet: z.looseObject({
      id: optionalString,
      url: optionalString,
      handle: optionalString,
      authorName: optionalString,
      text: optionalString,
    }),
    tableName: optionalString,
    dataSourceId: optionalString,
    force: z.boolean().optional(),
    acceptedAt: z.string(),
    keptAt: optionalString,
    requestId: optionalString,
  }),
  replyTo: z.string(),
});

const aadOf = (key: string) => `save-job:${key}`;

export function createJobCodec(cipher: TokenCipher): JobCodec {
  return {
    encode(job) {
      const { replyTo, ...rest } = job;
      return JSON.stringify({ v: 1, job: rest, replyTo: cipher.encrypt(JSON.stringify(replyTo), aadOf(job.key)) });
    },
    decode(text) {
      const parsed = storedSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new TypeError('a stored save job has an unexpected shape');
      const { job, replyTo } = parsed.data;
      const opened = replyToSchema.safeParse(JSON.parse(cipher.decrypt(replyTo, aadOf(job.key)).plaintext));
      if (!opened.success) throw new TypeError('a stored save job has an unexpected reply target');
      return { ...job, replyTo: opened.data };
    },
  };
}
