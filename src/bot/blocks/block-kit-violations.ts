import * as L from './block-kit-limits.js';

/** One broken limit: where (a JSON path like `blocks[3].text.text`) and what. */
export interface BlockKitViolation {
  path: string;
  problem: string;
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

class Walker {
  readonly found: BlockKitViolation[] = [];

  flag(path: string, problem: string): void {
    this.found.push({ path, problem });
  }

  length(value: unknown, max: number, path: string, what: string): void {
    if (typeof value !== 'string') return;
    if (value.length > max) this.flag(path, `${what} is ${value.length} characters; Slack allows ${max}`);
  }

  /** A text object: present, not empty, within `max`. */
  text(value: unknown, max: number, path: string, what: string): void {
    if (!isNode(value) || typeof value.text !== 'string') {
      this.flag(path, `${what} is missing`);
      return;
    }
    if (value.text.length === 0) this.flag(`${path}.text`, `${what} is empty; Slack requires at least 1 character`);
    this.length(value.text, max, `${path}.text`, what);
  }

  count(list: unknown, max: number, path: string, what: string): unknown[] {
    if (!Array.isArray(list)) return [];
    if (list.length > max) this.flag(path, `${list.length} ${what}; Slack allows ${max}`);
    return list;
  }

  blocks(list: unknown, max: number, path: string): void {
    const blocks = this.count(list, max, path, 'blocks');
    const ids = new Set<string>();
    for (const [i, block] of blocks.entries()) {
      const at = `${path}[${i}]`;
      if (!isNode(block)) {
        this.flag(at, 'is not a block');
        continue;
      }
      if (typeof block.block_id === 'string') {
        this.length(block.block_id, L.MAX_BLOCK_ID, `${at}.block_id`, 'block_id');
        if (ids.has(block.block_id)) this.flag(`${at}.block_id`, `block_id "${block.block_id}" is used twice`);
        ids.add(block.block_id);
      }
      this.block(block, at);
    }
  }

  block(block: Node, at: string): void {
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.flag(at, 'section has neither text nor fields');
        if (block.text !== undefined) this.text(block.text, L.MAX_SECTION_TEXT, `${at}.text`, 'section text');
        for (const [j, field] of this.count(block.fields, L.MAX_SECTION_FIELDS, `${at}.fields`, 'fields').entries()) {
          this.text(field, L.MAX_SECTION_FIELD_TEXT, `${at}.fields[${j}]`, 'field text');
        }
        if (isNode(block.accessory)) this.element(block.accessory, `${at}.accessory`);
        return;
      }
      case 'header':
        this.text(block.text, L.MAX_HEADER_TEXT, `${at}.text`, 'header text');
        return;
      case 'context':
        for (const [j, element] of this.count(block.elements, L.MAX_CONTEXT_ELEMENTS, `${at}.elements`, 'context elements').entries()) {
          if (isNode(element) && element.type !== 'image')
            this.text({ text: element.text }, L.MAX_TEXT_OBJECT, `${at}.elements[${j}]`, 'context text');
        }
        return;
      case 'actions': {
        const ids = new Set<string>();
        this.count(block.elements, L.MAX_ACTIONS_ELEMENTS, `${at}.elements`, 'action elements').forEach((element, j) => {
          if (!isNode(element)) return;
          const id = element.action_id;
          if (typeof id === 'string') {
            if (ids.has(id)) this.flag(`${at}.elements[${j}].action_id`, `action_id "${id}" is used twice in one block`);
            ids.add(id);
          }
          this.element(element, `${at}.elements[${j}]`);
        });
        return;
      }
      case 'input':
        this.text(block.label, L.MAX_INPUT_LABEL, `${at}.label`, 'input label');
        if (block.hint !== undefined) this.text(block.hint, L.MAX_INPUT_HINT, `${at}.hint`, 'input hint');
        if (isNode(block.element)) this.element(block.element, `${at}.element`);
        return;
      case 'divider':
        return;
      default:
        this.flag(at, `block type ${JSON.stringify(block.type)} is not one Lifeboat checks`);
    }
  }

  element(element: Node, at: string): void {
    this.length(element.action_id, L.MAX_ACTION_ID, `${at}.action_id`, 'action_id');
    if (element.placeholder !== undefined) this.text(element.placeholder, L.MAX_PLACEHOLDER, `${at}.placeholder`, 'placeholder');
    if (element.type === 'button') {
      this.text(element.text, L.MAX_BUTTON_TEXT, `${at}.text`, 'button text');
      this.length(element.value, L.MAX_BUTTON_VALUE, `${at}.value`, 'button value');
    }
    if (element.type === 'static_select') {
      for (const [j, option] of this.count(element.options, L.MAX_SELECT_OPTIONS, `${at}.options`, 'options').entries()) {
        this.option(option, `${at}.options[${j}]`);
      }
      if (element.initial_option !== undefined) this.option(element.initial_option, `${at}.initial_option`);
    }
    if (isNode(element.confirm)) {
      const c = element.confirm;
      this.text(c.title, L.MAX_CONFIRM_TITLE, `${at}.confirm.title`, 'confirmation title');
      this.text(c.text, L.MAX_CONFIRM_TEXT, `${at}.confirm.text`, 'confirmation text');
      this.text(c.confirm, L.MAX_CONFIRM_BUTTON, `${at}.confirm.confirm`, 'confirmation confirm');
      this.text(c.deny, L.MAX_CONFIRM_BUTTON, `${at}.confirm.deny`, 'confirmation deny');
    }
  }

  option(option: unknown, at: string): void {
    if (!isNode(option)) {
      this.flag(at, 'is not an option');
      return;
    }
    this.text(option.text, L.MAX_OPTION_TEXT, `${at}.text`, 'option text');
    this.length(option.value, L.MAX_OPTION_VALUE, `${at}.value`, 'option value');
  }
}

/**
 * Every place where a message (`{ text, blocks }`) or a modal view (`{ type: 'modal', … }`)
 * breaks Slack's documented Block Kit limits (see block-kit-limits.ts), with its path; empty when
 * Slack would accept it as far as those limits go.
 */
export function blockKitViolations(surface: unknown): BlockKitViolation[] {
  const walker = new Walker();
  if (!isNode(surface)) {
    walker.flag('', 'is not a message or view');
    return walker.found;
  }
  if (surface.type === 'modal') {
    walker.text(surface.title, L.MAX_VIEW_TITLE, 'title', 'view title');
    if (surface.submit !== undefined) walker.text(surface.submit, L.MAX_VIEW_TITLE, 'submit', 'view submit');
    if (surface.close !== undefined) walker.text(surface.close, L.MAX_VIEW_TITLE, 'close', 'view close');
    walker.length(surface.private_metadata, L.MAX_PRIVATE_METADATA, 'private_metadata', 'private_metadata');
    walker.length(surface.callback_id, L.MAX_CALLBACK_ID, 'callback_id', 'callback_id');
    walker.blocks(surface.blocks, L.MAX_VIEW_BLOCKS, 'blocks');
    return walker.found;
  }
  if (typeof surface.text !== 'string' || surface.text.length === 0) walker.flag('text', 'the notification text is missing or empty');
  walker.length(surface.text, L.MAX_MESSAGE_TEXT, 'text', 'message text');
  if (surface.blocks !== undefined) walker.blocks(surface.blocks, L.MAX_MESSAGE_BLOCKS, 'blocks');
  return walker.found;
}
