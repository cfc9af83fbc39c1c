/** The product's OAuth routes: part of its outside contract (registered in Notion's integration settings). */
export const START_PATH = '/oauth/notion/start';
export const CALLBACK_PATH = '/oauth/notion/callback';
