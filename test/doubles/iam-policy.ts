import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One statement of deploy/iam-policy.json. */
export interface PolicyStatement {
  Sid: string;
  Effect: string;
  Action: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const POLICY = join(import.meta.dirname, '../../deploy/iam-policy.json');

/** The statements of the IAM policy users attach, read from the file they deploy. */
export function iamPolicyStatements(): PolicyStatement[] {
  return (JSON.parse(readFileSync(POLICY, 'utf8')) as { Statement: PolicyStatement[] }).Statement;
}

/**
 * The change actions (`UPSERT`, `DELETE`, ...) the policy lets a ChangeResourceRecordSets batch
 * hold, from its `ForAllValues:StringEquals` on `route53:ChangeResourceRecordSetsActions`; a
 * statement without that condition allows any action. Doubles answer AccessDenied past it, as AWS does.
 */
export function route53ChangeActionsAllowed(): string[] | 'any' {
  const allowing = iamPolicyStatements().filter((s) => s.Effect === 'Allow' && s.Action.includes('route53:ChangeResourceRecordSets'));
  const lists = allowing.map((s) => s.Condition?.['ForAllValues:StringEquals']?.['route53:ChangeResourceRecordSetsActions']);
  if (lists.some((list) => list === undefined)) return 'any';
  return [...new Set(lists.flatMap((list) => [list ?? []].flat()))];
}
