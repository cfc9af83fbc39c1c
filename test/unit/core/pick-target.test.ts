import { describe, expect, it } from 'vitest';
import { allChoices, findTableByName, pickTarget, usableChoices } from '../../../src/core/pick-target.js';
import type { TableCandidate } from '../../../src/core/ports.js';

const mapping = { title: 'Name', text: 'Tweet' };
const table = (id: string, title: string, extra: Partial<TableCandidate> = {}): TableCandidate => ({
  dataSourceId: id,
  title,
  mapping,
  ...extra,
});

describe('pickTarget', () => {
  it('takes the only usable table', () => {
    expect(
      pickTarget([
        table('a', 'Twitter'),
        { dataSourceId: 'b', title: 'Links', missing: { name: 'Tweet', type: 'Text' } },
      ]).status,
    ).toEqual({ kind: 'ready', table: 'Twitter', url: undefined });
  });

  it('asks for a choice among several, unless one was chosen before or sits in the duplicated template', () => {
    const tables = [table('a-1', 'Twitter'), table('b-2', 'Inspiration', { parentPageId: 'p-9' })];
    expect(pickTarget(tables).status).toEqual({
      kind: 'choose',
      tables: [
        { id: 'a-1', title: 'Twitter' },
        { id: 'b-2', title: 'Inspiration' },
      ],
    });
    expect(pickTarget(tables, { preferredId: 'b2' }).target?.title).toBe('Inspiration');
    expect(pickTarget(tables, { templatePageId: 'P9' }).target?.title).toBe('Inspiration');
  });

  it('names the missing column, or says nothing is shared', () => {
    expect(
      pickTarget([{ dataSourceId: 'b', title: 'Links', missing: { name: 'Tweet', type: 'Text' } }]).status,
    ).toEqual({ kind: 'unusable', table: 'Links', missing: { name: 'Tweet', type: 'Text' } });
    expect(pickTarget([]).status).toEqual({ kind: 'none_shared' });
  });
});

describe('pickTarget keeping the preferred table', () => {
  const links = { dataSourceId: 'a-1', title: 'Links', missing: { name: 'Tweet', type: 'Text' } };
  it('answers with its column help rather than switching to another usable table', () => {
    expect(pickTarget([links, table('b-2', 'Inspiration')], { preferredId: 'a1', keepPreferred: true })).toEqual({
      status: { kind: 'unusable', table: 'Links', missing: { name: 'Tweet', type: 'Text' } },
    });
  });
  it('still takes it when usable, and gives way when it is gone', () => {
    expect(
      pickTarget([table('a-1', 'Links'), table('b-2', 'Inspiration')], { preferredId: 'a-1', keepPreferred: true })
        .target?.title,
    ).toBe('Links');
    expect(pickTarget([table('b-2', 'Inspiration')], { preferredId: 'a-1', keepPreferred: true }).target?.title).toBe(
      'Inspiration',
    );
  });
  it('without keepPreferred, an unusable preferred table gives way (reconnect, first discovery)', () => {
    expect(pickTarget([links, table('b-2', 'Inspiration')], { preferredId: 'a-1' }).target?.title).toBe('Inspiration');
  });
});

describe('findTableByName', () => {
  const tables = [table('a', 'Inspiration'), table('b', 'Ideas'), table('c', 'Idea')];
  it('prefers an exact name, then a prefix, ignoring case', () => {
    expect(findTableByName(tables, 'idea')?.dataSourceId).toBe('c');
    expect(findTableByName(tables, 'INSP')?.dataSourceId).toBe('a');
    expect(findTableByName(tables, 'recipes')).toBeUndefined();
  });
});

describe('findTableByName over tables that cannot take a tweet', () => {
  const links = { dataSourceId: 'l', title: 'Links', missing: { name: 'Tweet', type: 'Text' } };
  const notes = { dataSourceId: 'n', title: 'Reading notes', missing: { name: 'Tweet', type: 'Text' } };
  it('matches them too, so the user hears which column is missing', () => {
    expect(findTableByName([table('a', 'Inspiration'), links], 'links')).toBe(links);
  });
  it('prefers a usable table among prefix matches, but an exact name wins', () => {
    const list = table('r', 'Reading list');
    expect(findTableByName([notes, list], 'reading')).toBe(list);
    expect(findTableByName([notes, list], 'reading notes')).toBe(notes);
  });
  it('allChoices lists every shared table', () => {
    expect(allChoices([table('a', 'Inspiration'), links])).toEqual([
      { id: 'a', title: 'Inspiration' },
      { id: 'l', title: 'Links' },
    ]);
  });
});

describe('choices: tables with the same title are told apart', () => {
  it('adds the page a table sits in when another listed table has the same title (any case), and only then', () => {
    const tables = [
      table('a', 'Tweets', { parentPageId: 'p1', parentTitle: 'Team wiki' }),
      table('b', 'tweets', { parentPageId: 'p2', parentTitle: 'Reading' }),
      table('c', 'Ideas', { parentPageId: 'p1', parentTitle: 'Team wiki' }),
    ];
    expect(usableChoices(tables)).toEqual([
      { id: 'a', title: 'Tweets (Team wiki)' },
      { id: 'b', title: 'tweets (Reading)' },
      { id: 'c', title: 'Ideas' },
    ]);
  });

  it('a same-titled table without a readable page keeps its title; what still reads alike is numbered', () => {
    const tables = [
      table('a', 'Tweets', { parentTitle: 'Team wiki' }),
      table('b', 'Tweets'),
      table('c', 'Tweets'),
      table('d', 'Tweets', { parentTitle: 'Team wiki' }),
    ];
    expect(allChoices(tables).map((c) => c.title)).toEqual([
      'Tweets (Team wiki)',
      'Tweets',
      'Tweets (2)',
      'Tweets (Team wiki) (2)',
    ]);
  });

  it('counts only the listed tables: a usable table sharing its title with an unusable one is named plainly in the picker', () => {
    const tables = [
      table('a', 'Tweets', { parentTitle: 'Team wiki' }),
      { dataSourceId: 'b', title: 'Tweets', parentTitle: 'Old', missing: { name: 'Tweet', type: 'Text' } },
    ];
    expect(usableChoices(tables)).toEqual([{ id: 'a', title: 'Tweets' }]);
    expect(allChoices(tables).map((c) => c.title)).toEqual(['Tweets (Team wiki)', 'Tweets (Old)']);
  });
});
