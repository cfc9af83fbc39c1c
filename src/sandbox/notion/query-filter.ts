import { bodyValidationError, validationError } from './errors.js';
import { isRecord } from './http-io.js';
import type { PropertySchema } from './property-schema.js';
import { plainText } from './rich-text.js';
import type { ContentStore, PageRecord } from './state.js';
import { findProperty } from './validate-properties.js';

/** A compiled filter or sort key over one page. */
type Predicate = (page: PageRecord) => boolean;
type Getter = (page: PageRecord) => unknown;

const TEXT_TYPES = new Set(['title', 'rich_text', 'url', 'email', 'phone_number']);

function single(cond: unknown, path: string): [string, unknown] {
  if (!isRecord(cond)) throw bodyValidationError(path, 'should be an object');
  const entries = Object.entries(cond);
  if (entries.length !== 1) throw bodyValidationError(path, 'should have exactly one condition');
  return entries[0]!;
}

function expectType(value: unknown, type: 'string' | 'number' | 'boolean', path: string): void {
  if (typeof value !== type)
    throw bodyValidationError(path, `should be a ${type}, instead was \`${JSON.stringify(value)}\``);
}

function textCondition(cond: unknown, path: string): (v: string) => boolean {
  const [op, arg] = single(cond, path);
  if (op === 'is_empty') return (v) => v === '';
  if (op === 'is_not_empty') return (v) => v !== '';
  expectType(arg, 'string', `${path}.${op}`);
  const a = arg as string;
  const lower = a.toLowerCase();
  switch (op) {
    case 'equals':
      return (v) => v === a;
    case 'does_not_equal':
      return (v) => v !== a;
    case 'contains':
      return (v) => v.toLowerCase().includes(lower);
    case 'does_not_contain':
      return (v) => !v.toLowerCase().includes(lower);
    case 'starts_with':
      return (v) => v.toLowerCase().startsWith(lower);
    case 'ends_with':
      return (v) => v.toLowerCase().endsWith(lower);
    default:
      throw bodyValidationError(`${path}.${op}`, 'is not a supported text filter condition');
  }
}

function numberCondition(cond: unknown, path: string): (v: number | null) => boolean {
  const [op, arg] = single(cond, path);
  if (op === 'is_empty') return (v) => v === null;
  if (op === 'is_not_empty') return (v) => v !== null;
  expectType(arg, 'number', `${path}.${op}`);
  const a = arg as number;
  const ops: Record<string, (v: number) => boolean> = {
    equals: (v) => v === a,
    does_not_equal: (v) => v !== a,
    greater_than: (v) => v > a,
    less_than: (v) => v < a,
    greater_than_or_equal_to: (v) => v >= a,
    less_than_or_equal_to: (v) => v <= a,
  };
  const fn = ops[op];
  if (!fn) throw bodyValidationError(`${path}.${op}`, 'is not a supported number filter condition');
  return (v) => v !== null && fn(v);
}

function dateCondition(cond: unknown, path: string): (v: string | null) => boolean {
  const [op, arg] = single(cond, path);
  if (op === 'is_empty') return (v) => v === null;
  if (op === 'is_not_empty') return (v) => v !== null;
  if (typeof arg !== 'string' || Number.isNaN(Date.parse(arg)))
    throw bodyValidationError(`${path}.${op}`, 'should be a valid ISO 8601 date string');
  const a = Date.parse(arg);
  const ops: Record<string, (v: number) => boolean> = {
    equals: (v) => v === a,
    before: (v) => v < a,
    after: (v) => v > a,
    on_or_before: (v) => v <= a,
    on_or_after: (v) => v >= a,
  };
  const fn = ops[op];
  if (!fn) throw bodyValidationError(`${path}.${op}`, 'is not a supported date filter condition');
  return (v) => v !== null && fn(Date.parse(v));
}

function optionName(value: unknown): string | null {
  return isRecord(value) && typeof value.name === 'string' ? value.name : null;
}

function propertyPredicate(
  store: ContentStore,
  prop: PropertySchema,
  key: string,
  cond: unknown,
  path: string,
): Predicate {
  const get: Getter = (page) => store.valueOf(page, prop);
  if (TEXT_TYPES.has(key)) {
    const test = textCondition(cond, path);
    return (page) => {
      const v = get(page);
      return test(Array.isArray(v) ? plainText(v) : typeof v === 'string' ? v : '');
    };
  }
  if (key === 'checkbox') {
    const [op, arg] = single(cond, path);
    expectType(arg, 'boolean', `${path}.${op}`);
    if (op !== 'equals' && op !== 'does_not_equal')
      throw bodyValidationError(`${path}.${op}`, 'is not a supported checkbox filter condition');
    return (page) => (get(page) === arg) === (op === 'equals');
  }
  if (key === 'number') {
    const test = numberCondition(cond, path);
    return (page) => test(get(page) as number | null);
  }
  if (key === 'select' || key === 'status') {
    const [op, arg] = single(cond, path);
    if (op === 'is_empty') return (page) => get(page) === null;
    if (op === 'is_not_empty') return (page) => get(page) !== null;
    expectType(arg, 'string', `${path}.${op}`);
    if (op !== 'equals' && op !== 'does_not_equal')
      throw bodyValidationError(`${path}.${op}`, `is not a supported ${key} filter condition`);
    return (page) => (optionName(get(page)) === arg) === (op === 'equals');
  }
  if (key === 'multi_select') {
    const [op, arg] = single(cond, path);
    const names = (page: PageRecord) => (get(page) as unknown[]).map(optionName);
    if (op === 'is_empty') return (page) => names(page).length === 0;
    if (op === 'is_not_empty') return (page) => names(page).length > 0;
    expectType(arg, 'string', `${path}.${op}`);
    if (op !== 'contains' && op !== 'does_not_contain')
      throw bodyValidationError(`${path}.${op}`, 'is not a supported multi_select filter condition');
    return (page) => names(page).includes(arg as string) === (op === 'contains');
  }
  if (key === 'date' || key === 'created_time' || key === 'last_edited_time') {
    const test = dateCondition(cond, path);
    return (page) => {
      const v = get(page);
      return test(typeof v === 'string' ? v : isRecord(v) && typeof v.start === 'string' ? v.start : null);
    };
  }
  throw validationError(`The sandbox does not support ${key} filters.`);
}

/**
 * Compiles a data source query filter (property filters, timestamp filters, `and` / `or`) against a schema.
 * Throws 400 validation_error for unknown properties and filters that do not match the property's type.
 */
export function compileFilter(
  store: ContentStore,
  schema: readonly PropertySchema[],
  filter: unknown,
  path = 'body.filter',
): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (!isRecord(filter)) throw bodyValidationError(path, 'should be an object');
  for (const compound of ['and', 'or'] as const) {
    if (compound in filter) {
      const parts = filter[compound];
      if (!Array.isArray(parts)) throw bodyValidationError(`${path}.${compound}`, 'should be an array');
      const preds = parts.map((p: unknown, i) => compileFilter(store, schema, p, `${path}.${compound}[${i}]`));
      return compound === 'and' ? (page) => preds.every((p) => p(page)) : (page) => preds.some((p) => p(page));
    }
  }
  if (filter.timestamp === 'created_time' || filter.timestamp === 'last_edited_time') {
    const ts = filter.timestamp;
    const test = dateCondition(filter[ts], `${path}.${ts}`);
    return (page) => test(new Date(ts === 'created_time' ? page.createdTime : page.lastEditedTime).toISOString());
  }
  if (typeof filter.property !== 'string')
    throw bodyValidationError(path, 'should define `property`, `timestamp`, `and` or `or`');
  const prop = findProperty(schema, filter.property);
  if (!prop) throw validationError(`Could not find property with name or id: ${filter.property}`);
  const keys = Object.keys(filter).filter((k) => k !== 'property' && k !== 'type');
  if (keys.length !== 1) throw bodyValidationError(path, 'should have exactly one filter condition');
  const key = keys[0]!;
  if (key !== prop.type) throw validationError(`database property ${prop.type} does not match filter ${key}`);
  return propertyPredicate(store, prop, key, filter[key], `${path}.${key}`);
}

function sortKey(
  store: ContentStore,
  schema: readonly PropertySchema[],
  sort: unknown,
  path: string,
): { get: Getter; dir: number } {
  if (!isRecord(sort)) throw bodyValidationError(path, 'should be an object');
  if (sort.direction !== 'ascending' && sort.direction !== 'descending')
    throw bodyValidationError(`${path}.direction`, 'should be `"ascending"` or `"descending"`');
  const dir = sort.direction === 'ascending' ? 1 : -1;
  if (sort.timestamp === 'created_time') return { get: (p) => p.createdTime, dir };
  if (sort.timestamp === 'last_edited_time') return { get: (p) => p.lastEditedTime, dir };
  if (typeof sort.property !== 'string') throw bodyValidationError(path, 'should define `property` or `timestamp`');
  const prop = findProperty(schema, sort.property);
  if (!prop) throw validationError(`Could not find sort property with name or id: ${sort.property}`);
  return {
    dir,
    get: (page) => {
      const v = store.valueOf(page, prop);
      if (Array.isArray(v)) return plainText(v);
      if (isRecord(v)) return typeof v.start === 'string' ? v.start : (optionName(v) ?? '');
      return v;
    },
  };
}

/** Orders pages by `sorts`; without sorts, newest first. */
export function sortPages(
  store: ContentStore,
  schema: readonly PropertySchema[],
  pages: PageRecord[],
  sorts: unknown,
): PageRecord[] {
  // Pages arrive in creation order; reversing first keeps same-millisecond pages newest first too.
  if (sorts === undefined) return [...pages].reverse().sort((a, b) => b.createdTime - a.createdTime);
  if (!Array.isArray(sorts)) throw bodyValidationError('body.sorts', 'should be an array');
  const keys = sorts.map((s: unknown, i) => sortKey(store, schema, s, `body.sorts[${i}]`));
  const cmp = (x: unknown, y: unknown): number => {
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x as number | string) < (y as number | string) ? -1 : 1;
  };
  return [...pages].sort((a, b) => {
    for (const k of keys) {
      const c = cmp(k.get(a), k.get(b)) * k.dir;
      if (c !== 0) return c;
    }
    return 0;
  });
}
