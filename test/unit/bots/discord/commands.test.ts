import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, commandsJson } from '../../../../src/bots/discord/commands/index.js';
import { validateCommands } from '../../../../src/sandbox/discord/validate.js';

describe('the command declarations', () => {
  it("are exactly the commands the issue names, working in servers and the bot's DMs", () => {
    expect(commandsJson()).toEqual([
      {
        type: 1,
        name: 'notion-connect',
        description: expect.any(String),
        options: [],
        contexts: [0, 1],
        integration_types: [0],
      },
      {
        type: 1,
        name: 'save-tweet',
        description: expect.any(String),
        options: [{ type: 3, name: 'tweet', description: expect.any(String), required: true, max_length: 6000 }],
        contexts: [0, 1],
        integration_types: [0],
      },
      {
        type: 1,
        name: 'notion-disconnect',
        description: expect.any(String),
        options: [],
        contexts: [0, 1],
        integration_types: [0],
      },
      { type: 3, name: 'Save to Notion', contexts: [0, 1], integration_types: [0] },
      {
        type: 1,
        name: 'save-thread',
        description: expect.any(String),
        options: [{ type: 3, name: 'tweet', description: expect.any(String), required: true, max_length: 6000 }],
        contexts: [0, 1],
        integration_types: [0],
      },
      { type: 3, name: 'Save thread to Notion', contexts: [0, 1], integration_types: [0] },
    ]);
  });

  it("pass Discord's validation (names, description lengths, no description on the message command)", () => {
    expect(validateCommands(commandsJson())).toEqual([]);
    for (const json of commandsJson()) {
      if (json.type === 1) expect(json.description.length).toBeLessThanOrEqual(100);
    }
  });

  it('one file per command, each in the static list once', () => {
    const dir = join(import.meta.dirname, '../../../../src/bots/discord/commands');
    const files = readdirSync(dir).filter((f) => !['index.ts', 'command.ts', 'contexts.ts'].includes(f));
    expect(files.sort()).toEqual([
      'notion-connect.ts',
      'notion-disconnect.ts',
      'save-thread-to-notion.ts',
      'save-thread.ts',
      'save-to-notion.ts',
      'save-tweet.ts',
    ]);
    expect(new Set(commands.map((c) => c.data.name)).size).toBe(commands.length);
    for (const file of files) expect(readFileSync(join(dir, file), 'utf8')).toMatch(/} satisfies Command;\s*$/);
  });

  it('the fake rejects what Discord rejects', () => {
    expect(validateCommands([{ type: 1, name: 'Save-Tweet', description: 'x' }])[0]?.code).toBe(
      'APPLICATION_COMMAND_INVALID_NAME',
    );
    expect(validateCommands([{ type: 3, name: 'Save to Notion', description: 'no' }])[0]?.code).toBe(
      'APPLICATION_COMMAND_INVALID_DESCRIPTION',
    );
    expect(validateCommands([{ type: 1, name: 'ok', description: 'd'.repeat(101) }])[0]?.code).toBe(
      'BASE_TYPE_BAD_LENGTH',
    );
    expect(
      validateCommands([
        { type: 1, name: 'a', description: 'x' },
        { type: 1, name: 'a', description: 'y' },
      ])[0]?.code,
    ).toBe('APPLICATION_COMMANDS_DUPLICATE_NAME');
  });
});

describe("the Discord adapter's imports", () => {
  it('use neither the Notion SDK nor keyv (thin adapter)', () => {
    const root = join(import.meta.dirname, '../../../../src/bots/discord');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(join(root, file), 'utf8');
      expect(source, file).not.toMatch(/from '(@notionhq\/|keyv|@keyv\/)/);
      expect(source, file).not.toMatch(/process\.env/);
    }
  });
});
