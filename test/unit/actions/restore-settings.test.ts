import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import { clusterRestoreSettings, instanceRestoreSettings } from '../../../src/actions/restore-settings.js';
import type { DbSettingsView } from '../../../src/aws/rds-gateway.js';
import type { RestoreOverrides, RestoreRunbook } from '../../../src/config/types.js';

function instanceRunbook(overrides: RestoreOverrides = {}): RestoreRunbook {
  return { region: 'us-east-1', dbInstance: 'orders-db', instanceClass: 'db.r6g.large', securityGroups: [], overrides };
}

function clusterRunbook(instanceClass: string, serverless?: { min: number; max: number }): RestoreRunbook {
  return {
    region: 'us-east-1',
    dbCluster: 'orders-east',
    instanceClass,
    securityGroups: [],
    ...(serverless && { serverless }),
    overrides: {},
  };
}

const source = (settings: DbSettingsView) => ({ name: 'orders-db', settings });

describe('which storage values a restore carries', () => {
  const cases: Array<{ name: string; settings: DbSettingsView; overrides?: RestoreOverrides; expected: object }> = [
    {
      name: 'gp3 at its baseline: only the type (RDS refuses explicit values below the threshold)',
      settings: { storageType: 'gp3', iops: 3000, storageThroughput: 125 },
      expected: { StorageType: 'gp3' },
    },
    {
      name: 'gp3 provisioned above the baseline: both values',
      settings: { storageType: 'gp3', iops: 12000, storageThroughput: 500 },
      expected: { StorageType: 'gp3', Iops: 12000, StorageThroughput: 500 },
    },
    {
      name: 'io1: its IOPS, and no throughput',
      settings: { storageType: 'io1', iops: 8000, storageThroughput: 0 },
      expected: { StorageType: 'io1', Iops: 8000 },
    },
    { name: 'gp2: neither', settings: { storageType: 'gp2', iops: 300 }, expected: { StorageType: 'gp2' } },
    {
      name: 'a runbook that changes the type: none of the source values, which belonged to the old type',
      settings: { storageType: 'io2', iops: 40000 },
      overrides: { storageType: 'gp3' },
      expected: { StorageType: 'gp3' },
    },
    {
      name: 'a runbook that sets IOPS on the same type: the runbook value',
      settings: { storageType: 'io2', iops: 40000 },
      overrides: { iops: 64000 },
      expected: { StorageType: 'io2', Iops: 64000 },
    },
  ];
  for (const { name, settings, overrides, expected } of cases) {
    it(name, () => {
      expect(instanceRestoreSettings(instanceRunbook(overrides), source(settings)).input).toEqual(expected);
    });
  }
});

describe('tags', () => {
  it('keeps the source tags but the aws: ones, adds the runbook ones, and lets the runbook replace a value', () => {
    const settings = {
      tags: [
        { Key: 'team', Value: 'orders' },
        { Key: 'aws:cloudformation:stack-name', Value: 'orders' },
        { Key: 'AWS:Other', Value: 'x' },
      ],
    };
    const carried = instanceRestoreSettings(instanceRunbook({ tags: { team: 'dr', 'restored-by': 'lifeboat' } }), source(settings));
    expect(carried.input.Tags).toEqual([
      { Key: 'team', Value: 'dr' },
      { Key: 'restored-by', Value: 'lifeboat' },
    ]);
    expect(carried.summary).toBe('from the runbook: Tags=2');
  });

  it('sends no Tags at all when there are none to carry', () => {
    expect(instanceRestoreSettings(instanceRunbook(), source({ tags: [] })).input).toEqual({});
  });
});

describe('Aurora Serverless v2', () => {
  it('takes the runbook capacity over the source one', () => {
    const carried = clusterRestoreSettings(
      clusterRunbook('db.serverless', { min: 1, max: 8 }),
      source({ serverless: { min: 2, max: 64 } }),
    );
    expect(carried.input.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 1, MaxCapacity: 8 });
  });

  it('carries the source capacity when the runbook gives none', () => {
    const carried = clusterRestoreSettings(clusterRunbook('db.serverless'), source({ serverless: { min: 2, max: 64 } }));
    expect(carried.input.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 2, MaxCapacity: 64 });
    expect(carried.summary).toBe('from orders-db: ServerlessV2ScalingConfiguration=MinCapacity:2,MaxCapacity:64');
  });

  it('refuses db.serverless with no capacity from the runbook or the source, saying how to fix it', () => {
    const plan = () => clusterRestoreSettings(clusterRunbook('db.serverless'), source({}));
    expect(plan).toThrow(ActionError);
    expect(plan).toThrow('Add serverless: { min, max } (ACUs) to the runbook.');
  });

  it('sends no scaling configuration for a provisioned class, whatever the source ran', () => {
    const carried = clusterRestoreSettings(clusterRunbook('db.r6g.large'), source({ serverless: { min: 2, max: 64 } }));
    expect(carried.input).toEqual({});
  });
});
