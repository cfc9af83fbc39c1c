import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const chatPlatforms = {
  group: ['@slack/*', 'discord.js', '@discordjs/*', '**/bots/**'],
  message: 'Only src/bots may use chat platform code.',
};
const notionSdk = {
  group: ['@notionhq/*'],
  message: 'Only src/notion imports @notionhq/client; core sees domain errors.',
};
const keyvLib = { group: ['keyv', '@keyv/*'], message: 'Only src/store imports keyv.' };
const productCode = {
  group: [
    '**/app.js',
    '**/config.js',
    '**/log.js',
    '**/bots/**',
    '**/core/**',
    '**/oauth/**',
    '**/store/**',
    '**/http/**',
    '**/tweets/**',
    '../../notion/**',
  ],
  message: 'An emulation stands in for a platform: it knows nothing of the product it is tested with.',
};
const chatHelpers = {
  group: ['**/chat/**'],
  message: "src/chat holds the adapters' shared wording and helpers; core answers with outcomes.",
};
/** The architecture's import boundaries, enforced by lint. */
function restrictImports(files, patterns) {
  return [{ files, rules: { 'no-restricted-imports': ['error', { patterns }] } }];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'test/artifacts/', 'coverage/', 'dist/', 'bench/.build/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  ...restrictImports(['src/notion/**', 'src/store/**', 'src/tweets/**', 'src/http/**'], [chatPlatforms]),
  ...restrictImports(['src/core/**', 'src/oauth/**'], [chatPlatforms, notionSdk, keyvLib, chatHelpers]),
  ...restrictImports(['src/chat/**'], [chatPlatforms, notionSdk, keyvLib]),
  ...restrictImports(['src/bots/**'], [notionSdk, keyvLib]),
  ...restrictImports(
    ['src/sandbox/{notion,slack,discord,fxtwitter,oembed}/**'],
    [productCode, chatPlatforms, notionSdk, keyvLib],
  ),
  {
    files: ['scripts/**', 'bench/**', 'test/**', 'src/main.ts', 'src/sandbox/**'],
    rules: { 'no-console': 'off' },
  },
);
