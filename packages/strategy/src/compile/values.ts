import { quoteText } from '../support/quote.js';
import type { NodeId, NodeType } from '../graph/types.js';

/**
 * What an expression evaluates to at compile time: a graph node (a frame), or a constant. Numbers stay
 * constants (and fold) until they meet a frame; strings, booleans and null only serve as data keys and
 * sim options.
 */
export type Value =
  | { readonly tag: 'node'; readonly id: NodeId; readonly type: NodeType }
  | { readonly tag: 'number'; readonly value: number }
  | { readonly tag: 'string'; readonly value: string }
  | { readonly tag: 'boolean'; readonly value: boolean }
  | { readonly tag: 'null' };

export type NodeValue = Extract<Value, { tag: 'node' }>;

/** "a float frame", "a condition (boolean frame)", … for messages. */
export function describeValue(value: Value): string {
  switch (value.tag) {
    case 'node':
      return describeType(value.type);
    case 'number':
      return `the number ${value.value}`;
    case 'string':
      return `the string ${quoteText(value.value)}`;
    case 'boolean':
      return `${value.value}`;
    case 'null':
      return 'null';
  }
}

export function describeType(type: NodeType | 'string'): string {
  switch (type) {
    case 'float_frame':
      return 'a float frame';
    case 'bool_frame':
      return 'a condition (boolean frame)';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
  }
}

export function describeTypes(types: readonly NodeType[]): string {
  const names = types.map(describeType);
  return names.length <= 1 ? (names[0] ?? 'nothing') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}
