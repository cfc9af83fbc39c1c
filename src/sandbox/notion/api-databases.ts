import { archivedError, inTrash, visibleDatabase, visiblePage, type ApiHandler } from './api-call.js';
import { bodyValidationError, validationError } from './errors.js';
import { isRecord } from './http-io.js';
import { newId } from './ids.js';
import { renderDatabase } from './page-objects.js';
import {
  defaultConfig,
  newProperty,
  PROPERTY_TYPES,
  type PropertySchema,
  type SelectOption,
} from './property-schema.js';
import { normalizeRichText } from './rich-text.js';

/** GET /v1/databases/:id: the container and its data sources (no schema in 2025-09-03). */
export const retrieveDatabase: ApiHandler = (ctx, { bot, params, version }) =>
  renderDatabase(ctx.content, visibleDatabase(ctx, bot, params[0]), version);

function optionsFrom(value: unknown, path: string): SelectOption[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bodyValidationError(path, 'should be an array');
  return value.map((o: unknown, i) => {
    if (!isRecord(o) || typeof o.name !== 'string' || o.name === '')
      throw bodyValidationError(`${path}[${i}].name`, 'should be a non-empty string');
    if (o.name.includes(',')) throw validationError(`Invalid select option, commas not allowed: ${o.name}`);
    return {
      id: newId().slice(0, 8),
      name: o.name,
      color: typeof o.color === 'string' ? o.color : 'default',
      description: null,
    };
  });
}

/** Builds a schema from `initial_data_source.properties` (`{Name: {title: {}}, URL: {url: {}}, ...}`). */
function schemaFrom(properties: unknown): PropertySchema[] {
  const path = 'body.initial_data_source.properties';
  if (properties === undefined) return [newProperty('Name', 'title', new Set())];
  if (!isRecord(properties)) throw bodyValidationError(path, 'should be an object');
  const taken = new Set<string>();
  const schema = Object.entries(properties).map(([name, raw]) => {
    const p = `${path}.${name}`;
    if (!isRecord(raw)) throw bodyValidationError(p, 'should be an object');
    const keys = Object.keys(raw).filter((k) => k !== 'type' && k !== 'description' && k !== 'name');
    const type = typeof raw.type === 'string' ? raw.type : keys[0];
    if (!type || !PROPERTY_TYPES.has(type) || keys.length !== 1 || keys[0] !== type) {
      throw bodyValidationError(p, 'should define exactly one supported property type');
    }
    if (!isRecord(raw[type])) throw bodyValidationError(`${p}.${type}`, 'should be an object');
    const config = defaultConfig(type);
    if (type === 'select' || type === 'multi_select')
      config.options = optionsFrom((raw[type] as Record<string, unknown>).options, `${p}.${type}.options`);
    if (type === 'number' && typeof (raw[type] as Record<string, unknown>).format === 'string')
      config.format = (raw[type] as Record<string, unknown>).format;
    const prop = newProperty(name, type, taken, config);
    taken.add(prop.id);
    return prop;
  });
  const titles = schema.filter((s) => s.type === 'title').length;
  if (titles !== 1) throw validationError(`A data source must have exactly one title property, instead had ${titles}.`);
  return schema;
}

/** POST /v1/databases (2025-09-03 shape): a table under a shared page, visible to its creator. */
export const createDatabase: ApiHandler = (ctx, { bot, body, version }) => {
  if (body.properties !== undefined) {
    throw validationError(
      'body failed validation: body.properties is not supported in this API version; use body.initial_data_source.properties.',
    );
  }
  const parent = body.parent;
  if (!isRecord(parent)) throw bodyValidationError('body.parent', 'should be an object');
  if (parent.type !== undefined && parent.type !== 'page_id') {
    throw validationError('Public integrations can only create databases under a page (parent.page_id).');
  }
  const page = visiblePage(ctx, bot, parent.page_id, 'parent.page_id');
  if (inTrash(ctx, page.id)) throw archivedError();
  const title = body.title === undefined ? [] : normalizeRichText(body.title, 'body.title');
  if (body.is_inline !== undefined && typeof body.is_inline !== 'boolean')
    throw bodyValidationError('body.is_inline', 'should be a boolean');
  const initial = body.initial_data_source;
  if (initial !== undefined && !isRecord(initial))
    throw bodyValidationError('body.initial_data_source', 'should be an object');
  const schema = schemaFrom(initial?.properties);
  const { database } = ctx.content.addTable(bot.workspaceId, {
    title,
    properties: schema,
    parent: { type: 'page_id', page_id: page.id },
    isInline: body.is_inline === true,
  });
  bot.shared.add(database.id);
  return renderDatabase(ctx.content, database, version);
};
