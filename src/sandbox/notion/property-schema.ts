import { newId, newPropertyId } from './ids.js';

/** One column of a data source, stored by id so a rename keeps every row's value. */
export interface PropertySchema {
  id: string;
  name: string;
  type: string;
  /** The type-specific configuration, e.g. `{options: [...]}` for select. */
  config: Record<string, unknown>;
}

/** Select / multi-select / status option as the API returns it. */
export interface SelectOption {
  id: string;
  name: string;
  color: string;
  description: null;
}

/** Property types whose values the API computes; a request that sets one is rejected. */
export const READ_ONLY_TYPES: ReadonlySet<string> = new Set([
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
  'rollup',
  'formula',
  'unique_id',
  'button',
  'verification',
]);

/** Every property type the sandbox can hold in a schema. */
export const PROPERTY_TYPES: ReadonlySet<string> = new Set([
  'title',
  'rich_text',
  'url',
  'date',
  'number',
  'select',
  'multi_select',
  'status',
  'checkbox',
  'email',
  'phone_number',
  'people',
  'files',
  'relation',
  ...READ_ONLY_TYPES,
]);

function option(name: string, color = 'default'): SelectOption {
  return { id: newId().slice(0, 8), name, color, description: null };
}

/** The configuration a new property of `type` starts with. Throws for types the sandbox does not know. */
export function defaultConfig(type: string): Record<string, unknown> {
  switch (type) {
    case 'number':
      return { format: 'number' };
    case 'select':
    case 'multi_select':
      return { options: [] as SelectOption[] };
    case 'status': {
      const options = [option('Not started'), option('In progress', 'blue'), option('Done', 'green')];
      const group = (name: string, color: string, o: SelectOption) => ({
        id: newId().slice(0, 8),
        name,
        color,
        option_ids: [o.id],
      });
      return {
        options,
        groups: [
          group('To-do', 'gray', options[0]!),
          group('In progress', 'blue', options[1]!),
          group('Complete', 'green', options[2]!),
        ],
      };
    }
    case 'formula':
      return { expression: '' };
    case 'unique_id':
      return { prefix: null };
    case 'relation':
      return { database_id: newId(), data_source_id: newId(), type: 'single_property', single_property: {} };
    case 'rollup':
      return {
        function: 'show_original',
        relation_property_name: '',
        relation_property_id: '',
        rollup_property_name: '',
        rollup_property_id: '',
      };
    default:
      if (!PROPERTY_TYPES.has(type)) throw new Error(`unknown Notion property type: ${type}`);
      return {};
  }
}

/** A new schema entry with a fresh id (`title` for the title property, as in Notion). */
export function newProperty(
  name: string,
  type: string,
  taken: ReadonlySet<string>,
  config?: Record<string, unknown>,
): PropertySchema {
  const id = type === 'title' ? 'title' : newPropertyId(taken);
  return { id, name, type, config: config ?? defaultConfig(type) };
}

/** The value a property has when nothing was set, in the API's response shape (without `id`/`type`). */
export function emptyValue(type: string): unknown {
  switch (type) {
    case 'title':
    case 'rich_text':
    case 'multi_select':
    case 'people':
    case 'files':
    case 'relation':
      return [];
    case 'checkbox':
      return false;
    case 'formula':
      return { type: 'string', string: null };
    case 'rollup':
      return { type: 'array', array: [], function: 'show_original' };
    default:
      return null;
  }
}
