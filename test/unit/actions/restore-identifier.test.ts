import { describe, expect, it } from 'vitest';
import { deriveRestoreIdentifier, isValidRdsIdentifier } from '../../../src/actions/restore-identifier.js';

const AT = Date.parse('2026-11-21T12:00:00Z');

describe('deriveRestoreIdentifier', () => {
  it.each([
    ['a plain instance name', 'orders-db', undefined, 'orders-db-restore-20261121-120000'],
    ["an Aurora cluster's writer", 'orders-east', 'w', 'orders-east-restore-20261121-120000-w'],
    ['upper case (RDS stores identifiers lower-case)', 'Orders-DB', undefined, 'orders-db-restore-20261121-120000'],
    ['characters RDS does not allow', 'orders_db.prod', undefined, 'orders-db-prod-restore-20261121-120000'],
    ['a name starting with a digit', '9orders', undefined, 'db-9orders-restore-20261121-120000'],
    ['a long name, shortened to fit 63 characters', 'a'.repeat(70), undefined, `${'a'.repeat(39)}-restore-20261121-120000`],
    ['a long name whose cut would end in a hyphen', `${'a'.repeat(38)}-bbbbbbbb`, undefined, `${'a'.repeat(38)}-restore-20261121-120000`],
    ['a long name with a suffix', 'b'.repeat(70), 'w', `${'b'.repeat(37)}-restore-20261121-120000-w`],
    ['double hyphens collapsed', 'orders--db', undefined, 'orders-db-restore-20261121-120000'],
  ])('%s: %s -> %s', (_, source, suffix, expected) => {
    const id = deriveRestoreIdentifier(source, AT, suffix);
    expect(id).toBe(expected);
    expect(id.length).toBeLessThanOrEqual(63);
    expect(isValidRdsIdentifier(id)).toBe(true);
  });

  it('differs for restores planned a second apart', () => {
    expect(deriveRestoreIdentifier('orders-db', AT)).not.toBe(deriveRestoreIdentifier('orders-db', AT + 1_000));
  });
});

describe('isValidRdsIdentifier', () => {
  it.each([
    ['orders-db', true],
    ['a', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['1orders', false],
    ['-orders', false],
    ['orders-', false],
    ['orders--db', false],
    ['orders_db', false],
    ['Orders', false],
    ['', false],
  ])('%s -> %s', (id, valid) => {
    expect(isValidRdsIdentifier(id)).toBe(valid);
  });
});
