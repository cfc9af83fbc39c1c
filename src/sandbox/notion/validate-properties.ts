import { bodyValidationError, tooLong, validationError } from './errors.js';
import { isRecord } from './http-io.js';
import { newId, normalizeId } from './ids.js';
import { READ_ONLY_TYPES, type PropertySchema, type SelectOption } from './property-schema.js';
import { MAX_URL, isAcceptableUrl, normalizeRichText } from './rich-text.js';

const MAX_EMAIL = 200;
const MAX_PHONE = 200;
const MAX_ITEMS = 100;
const MAX_OPTION_NAME = 100;

/** Validation context: who may appear in a people property. */
export interface PropertyWriteContext {
  knownUserIds: ReadonlySet<string>;
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** ISO 8601 as Notion stores it: dates stay dates, date-times get milliseconds and an explicit offset. */
export function normalizeIsoDate(value: unknown, path: string): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match || Number.isNaN(Date.parse(match[2] ? `${match[1]}T${match[2]}:00Z` : match[1]!))) {
    throw bodyValidationError(path, `should be a valid ISO 8601 date string, instead was \`${JSON.stringify(value)}\``);
  }
  const [, date, hm, sec, frac, offset] = match;
  if (!hm) return date!;
  const ms = (frac ?? '').padEnd(3, '0').slice(0, 3);
  return `${date}T${hm}:${sec ?? '00'}.${ms}${!offset || offset === 'Z' ? '+00:00' : offset}`;
}

function expected(name: string, type: string): Error {
  return validationError(`${name} is expected to be ${type}.`);
}

function stringOrNull(value: unknown, path: string, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string')
    throw bodyValidationError(path, `should be a string or \`null\`, instead was \`${JSON.stringify(value)}\``);
  if (value.length > max) throw tooLong(path, max, value.length);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw bodyValidationError(path, `should be an array, instead was \`${JSON.stringify(value)}\``);
  if (value.length > MAX_ITEMS) throw tooLong(path, MAX_ITEMS, value.length);
  return value;
}

/** Picks or (for select/multi_select, like Notion) creates the option a value names. */
function option(prop: PropertySchema, value: unknown, path: string): SelectOption {
  if (!isRecord(value)) throw bodyValidationError(path, 'should be an object');
  const options = prop.config.options as SelectOption[];
  if (typeof value.id === 'string') {
    const found = options.find((o) => o.id === value.id);
    if (!found) throw validationError(`Invalid ${prop.type} option id: ${value.id}`);
    return found;
  }
  if (typeof value.name !== 'string' || value.name.trim() === '')
    throw bodyValidationError(`${path}.name`, 'should be a non-empty string');
  if (value.name.length > MAX_OPTION_NAME) throw tooLong(`${path}.name`, MAX_OPTION_NAME, value.name.length);
  if (value.name.includes(',')) throw validationError(`Invalid ${prop.type} option, commas not allowed: ${value.name}`);
  const found = options.find((o) => o.name === value.name);
  if (found) return found;
  if (prop.type === 'status')
    throw validationError(`Invalid status option. Status option "${value.name}" does not exist.`);
  const created: SelectOption = {
    id: newId().slice(0, 8),
    name: value.name,
    color: typeof value.color === 'string' ? value.color : 'default',
    description: null,
  };
  options.push(created);
  return created;
}

function dateValue(value: unknown, path: string): unknown {
  if (value === null) return null;
  if (!isRecord(value)) throw bodyValidationError(path, 'should be an object or `null`');
  const start = normalizeIsoDate(value.start, `${path}.start`);
  const end = value.end === undefined || value.end === null ? null : normalizeIsoDate(value.end, `${path}.end`);
  const tz = value.time_zone ?? null;
  if (tz !== null && typeof tz !== 'string')
    throw bodyValidationError(`${path}.time_zone`, 'should be a string or `null`');
  return { start, end, time_zone: tz };
}

function userRefs(value: unknown, path: string, ctx: PropertyWriteContext): unknown[] {
  return array(value, path).map((u, i) => {
    const id = isRecord(u) ? normalizeId(u.id) : null;
    if (!id) throw bodyValidationError(`${path}[${i}].id`, 'should be a valid uuid');
    if (!ctx.knownUserIds.has(id)) throw validationError(`Could not find user with ID: ${id}.`);
    return { object: 'user', id };
  });
}

function files(value: unknown, path: string): unknown[] {
  return array(value, path).map((f, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(f) || typeof f.name !== 'string') throw bodyValidationError(`${p}.name`, 'should be a string');
    if (f.name.length > MAX_OPTION_NAME) throw tooLong(`${p}.name`, MAX_OPTION_NAME, f.name.length);
    if (!isRecord(f.external) || typeof f.external.url !== 'string') {
      throw bodyValidationError(`${p}.external.url`, 'should be a string (the sandbox supports external files only)');
    }
    if (f.external.url.length > MAX_URL) throw tooLong(`${p}.external.url`, MAX_URL, f.external.url.length);
    return { name: f.name, type: 'external', external: { url: f.external.url } };
  });
}

function valueFor(prop: PropertySchema, raw: unknown, path: string, ctx: PropertyWriteContext): unknown {
  switch (prop.type) {
    case 'title':
    case 'rich_text':
      return normalizeRichText(raw, path);
    case 'url': {
      const url = stringOrNull(raw, path, MAX_URL);
      if (url !== null && url !== '' && !isAcceptableUrl(url)) throw validationError(`Invalid URL: ${url}`);
      return url;
    }
    case 'email':
      return stringOrNull(raw, path, MAX_EMAIL);
    case 'phone_number':
      return stringOrNull(raw, path, MAX_PHONE);
    case 'number':
      if (raw !== null && (typeof raw !== 'number' || !Number.isFinite(raw)))
        throw bodyValidationError(path, `should be a number or \`null\`, instead was \`${JSON.stringify(raw)}\``);
      return raw;
    case 'checkbox':
      if (typeof raw !== 'boolean')
        throw bodyValidationError(path, `should be a boolean, instead was \`${JSON.stringify(raw)}\``);
      return raw;
    case 'date':
      return dateValue(raw, path);
    case 'select':
    case 'status':
      return raw === null ? null : option(prop, raw, path);
    case 'multi_select':
      return array(raw, path).map((o, i) => option(prop, o, `${path}[${i}]`));
    case 'people':
      return userRefs(raw, path, ctx);
    case 'files':
      return files(raw, path);
    case 'relation':
      return array(raw, path).map((r, i) => {
        const id = isRecord(r) ? normalizeId(r.id) : null;
        if (!id) throw bodyValidationError(`${path}[${i}].id`, 'should be a valid uuid');
        return { id };
      });
    default:
      throw validationError(`${prop.name} is expected to be ${prop.type}.`);
  }
}

/** Finds a property by name, or by id (ids may arrive URL-encoded). */
export function findProperty(schema: readonly PropertySchema[], key: string): PropertySchema | undefined {
  const byName = schema.find((p) => p.name === key);
  if (byName) return byName;
  let decoded = key;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    // keep the raw key
  }
  return schema.find((p) => p.id === key || p.id === decoded);
}

/**
 * Validates a request's `properties` against a schema as strictly as Notion does and returns the values
 * in response shape, keyed by property id. Throws NotionApiError (400 validation_error) on the first problem.
 */
export function validatePropertyValues(
  input: unknown,
  schema: readonly PropertySchema[],
  ctx: PropertyWriteContext,
): Map<string, unknown> {
  const result = new Map<string, unknown>();
  if (input === undefined) return result;
  if (!isRecord(input)) throw bodyValidationError('body.properties', 'should be an object');
  for (const [key, value] of Object.entries(input)) {
    const prop = findProperty(schema, key);
    if (!prop) throw validationError(`${key} is not a property that exists.`);
    if (READ_ONLY_TYPES.has(prop.type))
      throw validationError(`${prop.name} is a ${prop.type} property, which cannot be set through the API.`);
    if (!isRecord(value)) throw expected(prop.name, prop.type);
    const keys = Object.keys(value).filter((k) => k !== 'id' && k !== 'type');
    if ((value.type !== undefined && value.type !== prop.type) || keys.length !== 1 || keys[0] !== prop.type) {
      throw expected(prop.name, prop.type);
    }
    result.set(prop.id, valueFor(prop, value[prop.type], `body.properties.${prop.name}.${prop.type}`, ctx));
  }
  return result;
}
