import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

function actionsGranted(): string[] {
  const policy = JSON.parse(readFileSync(join(ROOT, 'deploy/iam-policy.json'), 'utf8')) as {
    Statement: Array<{ Effect: string; Action: string[] }>;
  };
  return policy.Statement.flatMap((s) => (s.Effect === 'Allow' ? s.Action : [])).sort();
}

describe('deploy/iam-policy.json', () => {
  it('grants exactly the AWS actions the source calls: none missing, none extra', () => {
    expect(actionsGranted()).toEqual(actionsCalledBySource());
  });

  it('grants no wildcard actions', () => {
    expect(actionsGranted().filter((a) => a.includes('*'))).toEqual([]);
  });

  it('explains every granted action in docs/iam.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/iam.md'), 'utf8');
    expect(actionsGranted().filter((action) => !doc.includes(`\`${action}\``))).toEqual([]);
  });
});
