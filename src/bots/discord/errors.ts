import { DiscordAPIError, DiscordjsErrorCodes, RESTJSONErrorCodes } from 'discord.js';

/** Discord refused the bot token (REST 401, `TokenInvalid`, or gateway close 4004). */
export class DiscordTokenRejectedError extends Error {
  override readonly name = 'DiscordTokenRejectedError';
  readonly code = 'discord_token_rejected';

  constructor(options?: { cause?: unknown }) {
    super(
      'DISCORD_TOKEN was rejected by Discord. Copy the bot token again from the Developer Portal ' +
        '(your application > Bot > Reset Token) and set DISCORD_TOKEN to it.',
      options,
    );
  }

  static is(e: unknown): e is DiscordTokenRejectedError {
    return e instanceof DiscordTokenRejectedError;
  }
}

/** True for the errors discord.js gives on a bad token, whichever step noticed it. */
export function isTokenRejection(e: unknown): boolean {
  if (e instanceof DiscordAPIError) return e.status === 401;
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return code === DiscordjsErrorCodes.TokenInvalid || code === 'TokenInvalid' || e.message === 'Authentication failed';
}

/** 50007 "Cannot send messages to this user" / 50278 "no mutual guilds": the user does not take DMs from us. */
export function isDmBlocked(e: unknown): boolean {
  return (
    e instanceof DiscordAPIError && (e.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser || e.code === 50278)
  );
}

/**
 * Log fields for an error without its secrets: a DiscordAPIError carries the request
 * URL (interaction and webhook URLs contain the interaction token) and the request
 * body, so only its name, code, status and method are kept.
 */
export function errorFields(e: unknown): Record<string, unknown> {
  if (e instanceof DiscordAPIError) {
    return { errName: e.name, errCode: e.code, errStatus: e.status, errMethod: e.method, errMessage: e.message };
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      errName: e.name,
      errMessage: e.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { errCode: code } : {}),
      errStack: e.stack,
    };
  }
  return { errName: typeof e };
}
