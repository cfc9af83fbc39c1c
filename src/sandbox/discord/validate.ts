/**
 * Discord's request validation for what the bot sends: application commands
 * (application-commands.mdx) and message bodies (message.mdx, component reference).
 * Problems come back as 400 `{code: 50035, message: "Invalid Form Body", errors}`.
 */

export interface Issue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** Discord nests errors by path: `{content: {_errors: [{code, message}]}}`. */
export function formErrors(issues: Issue[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const issue of issues) {
    let node = root;
    for (const key of issue.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    const list = (node._errors ??= []) as { code: string; message: string }[];
    list.push({ code: issue.code, message: issue.message });
  }
  return root;
}

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const CONTEXTS = new Set([0, 1, 2]);
const INTEGRATION_TYPES = new Set([0, 1]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function chatInputName(name: unknown, path: (string | number)[], issues: Issue[]): void {
  if (typeof name !== 'string' || !CHAT_INPUT_NAME.test(name)) {
    issues.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
  } else if (name !== name.toLowerCase()) {
    issues.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name must be lowercase' });
  }
}

function description(value: unknown, path: (string | number)[], issues: Issue[]): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 100) {
    issues.push({ path, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
  }
}

function options(list: unknown, path: (string | number)[], issues: Issue[]): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    issues.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (list.length > 25) issues.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  const names = new Set<string>();
  let sawOptional = false;
  list.forEach((opt: unknown, i) => {
    const p = [...path, i];
    if (!isObject(opt)) {
      issues.push({ path: p, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    if (typeof opt.type !== 'number' || !OPTION_TYPES.has(opt.type)) {
      issues.push({
        path: [...p, 'type'],
        code: 'BASE_TYPE_CHOICES',
        message: `Value must be one of ${[...OPTION_TYPES].join(', ')}.`,
      });
    }
    chatInputName(opt.name, [...p, 'name'], issues);
    description(opt.description, [...p, 'description'], issues);
    if (typeof opt.name === 'string') {
      if (names.has(opt.name))
        issues.push({
          path: [...p, 'name'],
          code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
          message: 'Option names must be unique',
        });
      names.add(opt.name);
    }
    if (opt.required === true && sawOptional) {
      issues.push({
        path: [...p, 'required'],
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (opt.required !== true) sawOptional = true;
    for (const key of ['min_length', 'max_length'] as const) {
      const v = opt[key];
      if (v === undefined) continue;
      if (opt.type !== 3)
        issues.push({ path: [...p, key], code: 'BASE_TYPE_INVALID', message: `${key} is only for STRING options` });
      else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 6000) {
        issues.push({ path: [...p, key], code: 'NUMBER_TYPE_MAX', message: 'Must be between 0 and 6000.' });
      }
    }
    if (opt.type === 1 || opt.type === 2) options(opt.options, [...p, 'options'], issues);
  });
}

function enumList(value: unknown, allowed: Set<number>, path: (string | number)[], issues: Issue[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number' || !allowed.has(v))) {
    issues.push({ path, code: 'BASE_TYPE_CHOICES', message: `Values must be among ${[...allowed].join(', ')}.` });
  }
}

/** Validates a bulk-overwrite body: an array of commands, unique by (type, name), within the per-type limits. */
export function validateCommands(body: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!Array.isArray(body)) return [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((cmd: unknown, i) => {
    if (!isObject(cmd)) {
      issues.push({ path: [i], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    const type = cmd.type ?? 1;
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
      issues.push({ path: [i, 'type'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2, 3, 4).' });
      return;
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
    if (type === 1) {
      chatInputName(cmd.name, [i, 'name'], issues);
      description(cmd.description, [i, 'description'], issues);
      options(cmd.options, [i, 'options'], issues);
    } else {
      if (typeof cmd.name !== 'string' || cmd.name.trim().length < 1 || cmd.name.length > 32) {
        issues.push({
          path: [i, 'name'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 32 in length.',
        });
      }
      if (cmd.description !== undefined && cmd.description !== '') {
        issues.push({
          path: [i, 'description'],
          code: 'APPLICATION_COMMAND_INVALID_DESCRIPTION',
          message: 'Context menu commands cannot have description',
        });
      }
      if (Array.isArray(cmd.options) && cmd.options.length > 0) {
        issues.push({
          path: [i, 'options'],
          code: 'APPLICATION_COMMAND_INVALID_OPTIONS',
          message: 'Context menu commands cannot have options',
        });
      }
    }
    enumList(cmd.contexts, CONTEXTS, [i, 'contexts'], issues);
    enumList(cmd.integration_types, INTEGRATION_TYPES, [i, 'integration_types'], issues);
    const key = `${type}:${String(cmd.name)}`;
    if (seen.has(key))
      issues.push({
        path: [i, 'name'],
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: `Application command names must be unique`,
      });
    seen.add(key);
  });
  const limits: [number, number][] = [
    [1, 100],
    [2, 15],
    [3, 15],
  ];
  for (const [type, max] of limits) {
    if ((perType.get(type) ?? 0) > max)
      issues.push({
        path: [],
        code: 'APPLICATION_COMMAND_TOO_MANY',
        message: `Maximum number of type ${type} commands reached (${max})`,
      });
  }
  return issues;
}

const LINK_SCHEMES = /^(https?|discord):\/\//i;

function components(list: unknown, path: (string | number)[], issues: Issue[]): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    issues.push({ path, code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    return;
  }
  if (list.length > 5) issues.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 5 or fewer in length.' });
  const customIds = new Set<unknown>();
  list.forEach((row: unknown, r) => {
    const rp = [...path, r];
    if (!isObject(row) || row.type !== 1 || !Array.isArray(row.components)) {
      issues.push({
        path: rp,
        code: 'UNION_TYPE_CHOICES',
        message: 'Top-level components must be action rows (type 1).',
      });
      return;
    }
    const children = row.components as unknown[];
    if (children.length < 1 || children.length > 5)
      issues.push({
        path: [...rp, 'components'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 5 in length.',
      });
    const hasSelect = children.some((c) => isObject(c) && c.type !== 2);
    if (hasSelect && children.length > 1)
      issues.push({
        path: [...rp, 'components'],
        code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        message: 'A select menu takes a whole row.',
      });
    children.forEach((c: unknown, j) => {
      const cp = [...rp, 'components', j];
      if (!isObject(c)) return void issues.push({ path: cp, code: 'MODEL_TYPE_CONVERT', message: 'Invalid component' });
      if (c.custom_id !== undefined) {
        if (customIds.has(c.custom_id))
          issues.push({
            path: [...cp, 'custom_id'],
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: 'Component custom id cannot be duplicated',
          });
        customIds.add(c.custom_id);
      }
      if (
        c.type === 2 &&
        c.style !== 6 &&
        (typeof c.label !== 'string' || c.label.length === 0) &&
        !isObject(c.emoji)
      ) {
        issues.push({
          path: [...cp, 'label'],
          code: 'BASE_TYPE_REQUIRED',
          message: 'A button needs a label or an emoji',
        });
      }
      if (c.type === 2) {
        if (typeof c.label === 'string' && c.label.length > 80)
          issues.push({
            path: [...cp, 'label'],
            code: 'BASE_TYPE_MAX_LENGTH',
            message: 'Must be 80 or fewer in length.',
          });
        if (c.style === 5) {
          if (typeof c.url !== 'string' || !LINK_SCHEMES.test(c.url) || c.url.length > 512) {
            issues.push({ path: [...cp, 'url'], code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
          }
          if (c.custom_id !== undefined)
            issues.push({
              path: [...cp, 'custom_id'],
              code: 'COMPONENT_CUSTOM_ID_INVALID',
              message: 'Link buttons cannot have a custom_id',
            });
        } else if (typeof c.custom_id !== 'string' || c.custom_id.length < 1 || c.custom_id.length > 100) {
          issues.push({ path: [...cp, 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
      } else if (c.type === 3) {
        if (typeof c.custom_id !== 'string' || c.custom_id.length < 1 || c.custom_id.length > 100) {
          issues.push({ path: [...cp, 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
        const opts = c.options;
        if (!Array.isArray(opts) || opts.length < 1 || opts.length > 25) {
          issues.push({
            path: [...cp, 'options'],
            code: 'BASE_TYPE_BAD_LENGTH',
            message: 'Must be between 1 and 25 in length.',
          });
        } else {
          const values = new Set<unknown>();
          opts.forEach((o: unknown, k) => {
            const op = [...cp, 'options', k];
            if (!isObject(o)) return;
            if (typeof o.label !== 'string' || o.label.length < 1 || o.label.length > 100)
              issues.push({
                path: [...op, 'label'],
                code: 'BASE_TYPE_BAD_LENGTH',
                message: 'Must be between 1 and 100 in length.',
              });
            if (typeof o.value !== 'string' || o.value.length < 1 || o.value.length > 100)
              issues.push({
                path: [...op, 'value'],
                code: 'BASE_TYPE_BAD_LENGTH',
                message: 'Must be between 1 and 100 in length.',
              });
            if (values.has(o.value))
              issues.push({
                path: [...op, 'value'],
                code: 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED',
                message: 'Option values must be unique',
              });
            values.add(o.value);
          });
        }
        if (typeof c.placeholder === 'string' && c.placeholder.length > 150)
          issues.push({
            path: [...cp, 'placeholder'],
            code: 'BASE_TYPE_MAX_LENGTH',
            message: 'Must be 150 or fewer in length.',
          });
      } else if (typeof c.type !== 'number' || c.type < 2 || c.type > 8) {
        issues.push({
          path: [...cp, 'type'],
          code: 'UNION_TYPE_CHOICES',
          message: 'Value of field "type" must be one of (2, 3, 4, 5, 6, 7, 8).',
        });
      }
    });
  });
}

/** Flags a bot may set on a message it sends (SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2). */
const SETTABLE_FLAGS = 4 | 64 | 4096 | 32768;

/** Validates a message body (create, edit, interaction response data). `partial` for edits. */
export function validateMessage(body: unknown, opts: { partial?: boolean; allowedFlags?: number } = {}): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(body))
    return [{ path: [], code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' }];
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string')
      issues.push({ path: ['content'], code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
    else if (body.content.length > 2000)
      issues.push({ path: ['content'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' });
  }
  if (Array.isArray(body.embeds) && body.embeds.length > 10)
    issues.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
  components(body.components, ['components'], issues);
  if (body.flags !== undefined && body.flags !== null) {
    const allowed = opts.allowedFlags ?? SETTABLE_FLAGS;
    if (typeof body.flags !== 'number' || (body.flags & ~allowed) !== 0) {
      issues.push({ path: ['flags'], code: 'MESSAGE_FLAGS_INVALID', message: 'Invalid flags for this message.' });
    }
  }
  return issues;
}

/** Discord's 50006: a new message needs content, embeds, components, a sticker or a file. */
export function isEmptyMessage(body: Record<string, unknown>): boolean {
  const nonEmpty = (v: unknown) => (typeof v === 'string' ? v.length > 0 : Array.isArray(v) ? v.length > 0 : false);
  return (
    !nonEmpty(body.content) &&
    !nonEmpty(body.embeds) &&
    !nonEmpty(body.components) &&
    !nonEmpty(body.sticker_ids) &&
    !nonEmpty(body.attachments) &&
    !body.poll
  );
}
