import type { z } from 'zod';
import { describeValue } from './describe-value.js';

const NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

function noun(expected: string): string {
  return NOUNS[expected] ?? expected;
}

function listOf(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(', ');
}

/**
 * Default wording for zod issues that a field schema did not word itself. Every line names the
 * bad value and what is accepted; a missing field is just "required".
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined || issue.expected === 'nonoptional') return 'required';
      if (issue.expected === 'int') return `${describeValue(input)} is not a whole number`;
      return `expected ${noun(issue.expected)}, got ${describeValue(input)}`;
    case 'invalid_value':
      if (input === undefined) return `required (one of ${listOf(issue.values)})`;
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}, got ${describeValue(input)}`
        : `${describeValue(input)} is not one of ${listOf(issue.values)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${String(issue.minimum)}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `${describeValue(input)} is too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      if (issue.origin === 'array') return `must list at most ${String(issue.maximum)}`;
      if (issue.origin === 'string') return `is longer than ${String(issue.maximum)} characters`;
      return `${describeValue(input)} is too big (maximum ${String(issue.maximum)})`;
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
        const options = 'options' in issue && Array.isArray(issue.options) ? listOf(issue.options) : '';
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          return `expected a map, got ${describeValue(input)}`;
        }
        return value === undefined ? `required (one of ${options})` : `${describeValue(value)} is not one of ${options}`;
      }
      return `${describeValue(input)} does not match any accepted form`;
    }
    case 'invalid_format':
      return `${describeValue(input)} is not a valid ${issue.format}`;
    case 'invalid_key': {
      const inner = issue.issues[0]?.message; // the key schema's own wording, when it has one
      return inner && inner !== 'Invalid input' ? inner : `${describeValue(input)} is not an accepted name here`;
    }
    default:
      return undefined;
  }
};
