import { describe, expect, it } from 'vitest';
import { findTableByName, pickTarget } from '../../../src/core/pick-target.js';
import type { TableCandidate } from '../../../src/core/ports.js';

const mapping = { title: 'Name', text: 'Tweet' };
const table = (id: string, title: string, extra: Partial<TableCandidate> = {}): TableCandidate => ({ dataSourceId: id, title, mapping, ...extra });

describe('pickTarget', () => {
  it('takes the only usable table', () => {
    expect(pickTarget([table('a', 'Twitter'), { dataSourceId: 'b', title: 'Links', missing: { name: 'Tweet', type: 'Text' } }]).status).toEqual({ kind: 'ready', table: 'Twitter', url: undefined });
  });

  it('asks for a choice among several, unless one was chosen before or sits in the duplicated template', () => {
    const tables = [table('a-1', 'Twitter'), table('b-2', 'Inspiration', { parentPageId: 'p-9' })];
    expect(pickTarget(tables).status).toEqual({ kind: 'choose', tables: [{ id: 'a-1', title: 'Twitter' }, { id: 'b-2', title: 'Inspiration' }] });
    expect(pickTarget(tables, { preferredId: 'b2' }).target?.title).toBe('Inspiration');
    expect(pickTarget(tables, { templatePageId: 'P9' }).target?.title).toBe('Inspiration');
  });

  it('names the missing column, or says nothing is shared', () => {
    expect(pickTarget([{ dataSourceId: 'b', title: 'Links', missing: { name: 'Tweet', type: 'Text' } }]).status).toEqual({ kind: 'unusable', table: 'Links', missing: { name: 'Tweet', type: 'Text' } });
    expect(pickTarget([]).status).toEqual({ kind: 'none_shared' });
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
