import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../scripts/discord-register.js';

describe('discord:register arguments', () => {
  it.each<[string, string[], string | undefined, string | undefined]>([
    ['no arguments: global', [], undefined, undefined],
    ['-- --guild <id>', ['--guild', '123'], undefined, '123'],
    ['-- --guild=<id>', ['--guild=123'], undefined, '123'],
    ['--guild <id> without "--" (npm keeps the flag, passes the id)', ['123'], 'true', '123'],
    ['--guild=<id> without "--"', [], '123', '123'],
  ])('%s', (_name, argv, npmGuild, guildId) => {
    expect(parseArgs(argv, npmGuild).guildId).toBe(guildId);
  });

  it('rejects an unknown argument and a --guild without an id', () => {
    expect(() => parseArgs(['--global'])).toThrow(/unknown argument "--global"/);
    expect(() => parseArgs(['--guild'])).toThrow(/needs a server id/);
    expect(() => parseArgs([], 'true')).toThrow(/needs a server id/);
  });
});
