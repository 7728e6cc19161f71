import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamPolicyStatements } from '../../doubles/iam-policy.js';

const ROOT = join(import.meta.dirname, '../../..');
const PREFIX: Record<string, string> = {
  '@aws-sdk/client-rds': 'rds',
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `rds:PromoteReadReplica` for every `new PromoteReadReplicaCommand(` in a file importing @aws-sdk/client-rds. */
function actionsCalledBySource(): string[] {
  const actions = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const clients = Object.keys(PREFIX).filter((pkg) => text.includes(`from '${pkg}'`));
    for (const match of text.matchAll(/new (\w+)Command\(/g)) {
      expect(clients, `${file} builds ${match[1]}Command but imports ${clients.length} AWS clients`).toHaveLength(1);
      actions.add(`${PREFIX[clients[0] as string]}:${match[1]}`);
    }
  }
  return [...actions].sort();
}

/**
 * Actions AWS authorizes during a call Lifeboat makes, not commands of their own; each is kept
 * only while the source still sends what makes AWS check it (`sentBy` matches a file in src/).
 */
const IMPLIED: Record<string, { sentBy: RegExp; why: string }> = {
  // "If tags are specified in the create action, RDS performs additional authorization on the
  // rds:AddTagsToResource action" (RDS User Guide, tags on create).
  'rds:AddTagsToResource': { sentBy: /\.put\('Tags'/, why: 'restores carry the source tags over' },
  // RDS creates a grant on the caller's key to encrypt the restored storage, with the caller's rights.
  'kms:CreateGrant': { sentBy: /new RestoreDB\w+Command\(/, why: 'restores of KMS-encrypted databases' },
  'kms:DescribeKey': { sentBy: /new RestoreDB\w+Command\(/, why: 'restores of KMS-encrypted databases' },
};

const statements = iamPolicyStatements;

function actionsGranted(): string[] {
  return statements()
    .flatMap((s) => (s.Effect === 'Allow' ? s.Action : []))
    .sort();
}

function sourceText(): string {
  return sourceFiles(join(ROOT, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

describe('deploy/iam-policy.json', () => {
  it('grants exactly the AWS actions the source calls, and those its calls imply: none missing, none extra', () => {
    const text = sourceText();
    const implied = Object.entries(IMPLIED)
      .filter(([, { sentBy }]) => sentBy.test(text))
      .map(([action]) => action);
    const stale = Object.entries(IMPLIED).filter(([action]) => !implied.includes(action));
    expect(
      stale.map(([action, { why }]) => `${action} (${why})`),
      'implied actions the source no longer implies',
    ).toEqual([]);
    expect(actionsGranted()).toEqual([...actionsCalledBySource(), ...implied].sort());
  });

  it('grants KMS only through RDS: every kms: action is conditioned on kms:ViaService rds.*.amazonaws.com', () => {
    const kms = statements().filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kms.length).toBeGreaterThan(0);
    for (const statement of kms) {
      expect(statement.Condition?.StringLike?.['kms:ViaService'], statement.Sid).toBe('rds.*.amazonaws.com');
    }
    const grant = kms.find((s) => s.Action.includes('kms:CreateGrant'));
    expect(grant?.Condition?.Bool?.['kms:GrantIsForAWSResource']).toBe('true');
  });

  it("allows deletes only on resources carrying a drill's tag", () => {
    const deletes = statements().filter((s) => s.Action.some((a) => /^rds:Delete/.test(a)));
    expect(deletes.flatMap((s) => s.Action).sort()).toEqual(['rds:DeleteDBCluster', 'rds:DeleteDBInstance']);
    for (const statement of deletes) {
      expect(statement.Condition, statement.Sid).toEqual({ Null: { 'aws:ResourceTag/lifeboat:drill': 'false' } });
    }
  });

  it('grants RebootDBInstance (Multi-AZ failover drills) in its own statement, beside FailoverDBCluster for Aurora drills', () => {
    const reboot = statements().filter((s) => s.Action.includes('rds:RebootDBInstance'));
    expect(reboot.map((s) => [s.Sid, s.Action])).toEqual([['MultiAzFailoverDrill', ['rds:RebootDBInstance']]]);
    expect(actionsGranted()).toContain('rds:FailoverDBCluster');
    expect(actionsCalledBySource()).toContain('rds:RebootDBInstance');
  });

  it('allows exactly the Route 53 change actions the code can build: a batch with any other is refused whole', () => {
    // The type every ChangeBatch entry is built as bounds what can be sent; each literal built must be in it.
    const gateway = readFileSync(join(ROOT, 'src/aws/route53-gateway.ts'), 'utf8');
    const union = /interface RecordChange \{\s*Action: ([^;]+);/.exec(gateway)?.[1];
    expect(union, 'RecordChange.Action in src/aws/route53-gateway.ts').toBeDefined();
    const typed = [...(union ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]).sort();
    // `Action: 'DELETE',` or `Action: 'UPSERT' }` in an object, not a type's `'UPSERT' | ...`.
    const built = new Set([...sourceText().matchAll(/\bAction: '(\w+)'(?!\s*\|)/g)].map((m) => m[1]));
    expect([...built].sort(), 'change actions built in src/ and typed in RecordChange').toEqual(typed);

    const dns = statements().filter((s) => s.Action.includes('route53:ChangeResourceRecordSets'));
    expect(dns.map((s) => s.Sid)).toEqual(['RunbookDnsUpsertAndRevertDelete']);
    const condition = dns[0]?.Condition;
    // ForAllValues: every action in the batch must be listed, so one unlisted action is AccessDenied for all.
    expect(Object.keys(condition ?? {})).toEqual(['ForAllValues:StringEquals']);
    const allowed = condition?.['ForAllValues:StringEquals']?.['route53:ChangeResourceRecordSetsActions'];
    expect([...(allowed ?? [])].sort(), 'route53:ChangeResourceRecordSetsActions in deploy/iam-policy.json').toEqual(typed);
  });

  it('grants no wildcard actions', () => {
    expect(actionsGranted().filter((a) => a.includes('*'))).toEqual([]);
  });

  it('explains every granted action in docs/iam.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/iam.md'), 'utf8');
    expect(actionsGranted().filter((action) => !doc.includes(`\`${action}\``))).toEqual([]);
  });
});
