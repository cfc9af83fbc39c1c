/**
 * The bench's **seed-style baseline**: what Notion's public-integration tutorial does for every save, behind a
 * minimal Bolt app. Per save: search the user's shared databases, take the first, create the page. No cache, no
 * limiter, no queue; the SDK's own defaults (2 retries that honour Retry-After) are all it has against 429s.
 * Run by `npm run bench` as its own process, compiled to JavaScript first.
 */
import { Client, LogLevel } from '@notionhq/client';
import { announceStarted, readEnv, startMinimalApp, titlePropertyOf } from './minimal-connect.js';

const env = readEnv(process.env);

const port = await startMinimalApp(
  {
    env,
    async onSave({ accessToken, text, respond }) {
      const notion = new Client({ auth: accessToken, baseUrl: env.notionApiUrl, logLevel: LogLevel.ERROR });
      try {
        const found = await notion.search({ filter: { property: 'object', value: 'data_source' } });
        const first = found.results[0];
        if (!first || first.object !== 'data_source' || !('properties' in first)) {
          await respond({ response_type: 'ephemeral', text: 'No shared database.' });
          return;
        }
        const title = titlePropertyOf(first.properties);
        await notion.pages.create({
          parent: { type: 'data_source_id', data_source_id: first.id },
          properties: { [title]: { title: [{ text: { content: text.slice(0, 2000) } }] } },
        });
        await respond({ response_type: 'ephemeral', text: 'Saved to Notion.' });
      } catch {
        await respond({ response_type: 'ephemeral', text: 'Could not save.' }).catch(() => undefined);
      }
    },
  },
  Number(process.env.PORT ?? 0),
);
announceStarted(port);
