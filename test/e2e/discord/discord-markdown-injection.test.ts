import { describe, expect, it } from 'vitest';
import { JACK, WITH_TEXT } from '../../helpers/fixtures.js';
import { useDiscordWorld } from '../../helpers/use-world.js';

/** Masked links in a message's content, outside escapes: `[text](target)`. */
function maskedLinkTargets(content: string): string[] {
  const active = content.replace(/\\[^\p{L}\p{N}\s]/gu, 'xx');
  return [...active.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/**
 * Discord, end to end: names people choose in Notion reach the bot's own DMs as text. A table
 * named like a link, in a workspace named like a mention, must not become a link or a ping there.
 */
describe('Discord: Notion names cannot inject markdown', () => {
  const w = useDiscordWorld();

  it('a table named "[Verify](https://evil.example)" in a workspace named "@everyone <@1>" shows escaped in the DMs', async () => {
    const evil = w.notion.addWorkspace({ name: '@everyone <@1> # Free' });
    const table = w.notion.addTable(evil.id, { title: '[Verify](https://evil.example)', properties: WITH_TEXT });

    const connected = await w.connectThroughDiscord(w.kim, { workspaceId: evil.id });
    const [target] = maskedLinkTargets(connected.content);
    expect(target).toMatch(/^https:\/\/www\.notion\.so\/[0-9a-f]{32}$/);
    expect(connected.content).toBe(
      `Connected to **\\@everyone \\<\\@1\\> # Free**. Tweets will be saved to [\\[Verify\\](https\\://evil.example)](${target}).`,
    );
    expect(maskedLinkTargets(connected.content)).toEqual([target]);

    const { id } = w.discord.dispatchInteraction({
      kind: 'chat_input',
      name: 'save-tweet',
      user: w.kim,
      options: { tweet: JACK },
    });
    const saved = await w.finalReply(id);
    const row = w.notion.rows(table.dataSourceId)[0]!;
    expect(saved.content).toBe(`Saved @jack's tweet to [\\[Verify\\](https\\://evil.example)](${row.url}).`);
    expect(maskedLinkTargets(saved.content)).toEqual([row.url]);
  });
});
