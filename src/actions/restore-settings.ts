import type { ClusterRestoreSettings, DbSettingsView, InstanceRestoreSettings, RdsTag } from '../aws/rds-gateway.js';
import type { RestoreOverrides, RestoreRunbook } from '../config/types.js';
import { SERVERLESS_CLASS } from '../config/restore-runbook-schema.js';
import { ActionError } from './action-error.js';

/** The source a restore copies its settings from; `settings` empty when nothing could be read. */
export interface SettingsSource {
  /** "orders-db", or "the retained automated backup of orders-db". */
  name: string;
  settings: DbSettingsView;
}

/** The settings a restore call carries, and the words listing each with where it came from. */
export interface CarriedSettings<Input> {
  input: Input;
  /** "from orders-db: MultiAZ=true, ...; from the runbook: DeletionProtection=false"; empty when none. */
  summary: string;
}

type Origin = 'source' | 'runbook';
type Entry = { field: string; value: unknown; origin: Origin };

// gp3 below the engine's storage threshold reports this baseline and refuses explicit values
// ("You can't specify IOPS or storage throughput ... less than 400 GiB"); a source that reports
// anything else has provisioned them, and its restore (same allocated storage) may too.
const GP3_BASELINE = { iops: 3000, storageThroughput: 125 } as const;

function provisioned(storageType: string | undefined, field: 'iops' | 'storageThroughput', value: number | undefined): number | undefined {
  if (value === undefined || storageType === undefined) return undefined;
  if (storageType === 'gp3') return value === GP3_BASELINE[field] ? undefined : value;
  if (field === 'iops') return storageType.startsWith('io') ? value : undefined;
  return undefined;
}

/** Source tags with the runbook's added; AWS-reserved `aws:` keys cannot be set by a request. */
function mergedTags(source: RdsTag[] | undefined, runbook: Record<string, string> | undefined): RdsTag[] | undefined {
  const merged = new Map<string, string>();
  for (const tag of source ?? []) if (!tag.Key.toLowerCase().startsWith('aws:')) merged.set(tag.Key, tag.Value);
  for (const [key, value] of Object.entries(runbook ?? {})) merged.set(key, value);
  return merged.size > 0 ? [...merged].map(([Key, Value]) => ({ Key, Value })) : undefined;
}

class EntryList {
  readonly entries: Entry[] = [];
  constructor(
    private readonly overrides: RestoreOverrides,
    private readonly source: DbSettingsView,
  ) {}

  /** The runbook's value when it sets one, else the source's. */
  add<K extends keyof RestoreOverrides & keyof DbSettingsView>(field: string, key: K): void {
    const own = this.overrides[key];
    if (own !== undefined) this.entries.push({ field, value: own, origin: 'runbook' });
    else if (this.source[key] !== undefined) this.entries.push({ field, value: this.source[key], origin: 'source' });
  }

  put(field: string, value: unknown, origin: Origin): void {
    if (value !== undefined) this.entries.push({ field, value, origin });
  }

  /** Storage type, then the IOPS and throughput that belong to it. */
  storage(withThroughput: boolean): void {
    const type = this.overrides.storageType ?? this.source.storageType;
    this.add('StorageType', 'storageType');
    // The source's provisioned values belong to the source's storage type only.
    const sameType = this.overrides.storageType === undefined || this.overrides.storageType === this.source.storageType;
    const fields = withThroughput ? (['iops', 'storageThroughput'] as const) : (['iops'] as const);
    for (const key of fields) {
      const field = key === 'iops' ? 'Iops' : 'StorageThroughput';
      const own = this.overrides[key];
      if (own !== undefined) this.put(field, own, 'runbook');
      else if (sameType) this.put(field, provisioned(type, key, this.source[key]), 'source');
    }
  }

  tags(): void {
    const tags = mergedTags(this.source.tags, this.overrides.tags);
    if (tags) this.put('Tags', tags, this.overrides.tags !== undefined ? 'runbook' : 'source');
  }

  input<T>(): T {
    return Object.fromEntries(this.entries.map((e) => [e.field, e.value])) as T;
  }
}

function shown(entry: Entry): string {
  if (entry.field === 'Tags' && Array.isArray(entry.value)) return `Tags=${entry.value.length}`;
  if (typeof entry.value === 'object' && entry.value !== null) {
    return `${entry.field}=${Object.entries(entry.value)
      .map(([k, v]) => `${k}:${String(v)}`)
      .join(',')}`;
  }
  return `${entry.field}=${String(entry.value)}`;
}

function summaryOf(entries: Entry[], sourceName: string): string {
  const from = (origin: Origin) => entries.filter((e) => e.origin === origin).map(shown);
  return [
    ...(from('source').length > 0 ? [`from ${sourceName}: ${from('source').join(', ')}`] : []),
    ...(from('runbook').length > 0 ? [`from the runbook: ${from('runbook').join(', ')}`] : []),
  ].join('; ');
}

/**
 * What an instance restore (RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime)
 * carries over. No KmsKeyId: neither call takes one; RDS encrypts the new instance with the key
 * of the snapshot or source.
 */
export function instanceRestoreSettings(
  runbook: RestoreRunbook,
  source: SettingsSource,
  /** The key RDS keeps (the snapshot's or the source's), listed so approvers see it too. */
  keptKey?: string,
): CarriedSettings<InstanceRestoreSettings> {
  const list = new EntryList(runbook.overrides, source.settings);
  list.add('MultiAZ', 'multiAz');
  list.add('DeletionProtection', 'deletionProtection');
  list.add('DBParameterGroupName', 'parameterGroup');
  list.add('OptionGroupName', 'optionGroup');
  list.storage(true);
  list.add('CopyTagsToSnapshot', 'copyTagsToSnapshot');
  list.add('EnableIAMDatabaseAuthentication', 'iamDatabaseAuthentication');
  list.tags();
  const key = keptKey ? `KMS key ${keptKey} (kept by RDS: an instance restore takes no KmsKeyId)` : '';
  return { input: list.input<InstanceRestoreSettings>(), summary: [summaryOf(list.entries, source.name), key].filter(Boolean).join('; ') };
}

/**
 * What a cluster restore (RestoreDBClusterFromSnapshot / RestoreDBClusterToPointInTime) carries
 * over. Multi-AZ is not a cluster restore parameter: a Multi-AZ DB cluster is Multi-AZ by
 * construction, and an Aurora cluster is as available as its instances.
 */
export function clusterRestoreSettings(runbook: RestoreRunbook, source: SettingsSource): CarriedSettings<ClusterRestoreSettings> {
  const list = new EntryList(runbook.overrides, source.settings);
  list.add('DeletionProtection', 'deletionProtection');
  list.add('KmsKeyId', 'kmsKeyId');
  list.add('DBClusterParameterGroupName', 'parameterGroup');
  list.storage(false);
  list.add('CopyTagsToSnapshot', 'copyTagsToSnapshot');
  list.add('EnableIAMDatabaseAuthentication', 'iamDatabaseAuthentication');
  list.tags();
  if (runbook.instanceClass === SERVERLESS_CLASS) {
    const scaling = runbook.serverless ?? source.settings.serverless;
    if (!scaling) {
      const problem = `instanceClass ${SERVERLESS_CLASS} needs serverless: { min, max }, and ${source.name} has no Serverless v2 capacity to carry over`;
      throw new ActionError('LIFEBOAT_RUNBOOK_INCONSISTENT', `${problem}. Add serverless: { min, max } (ACUs) to the runbook.`, problem);
    }
    list.put(
      'ServerlessV2ScalingConfiguration',
      { MinCapacity: scaling.min, MaxCapacity: scaling.max },
      runbook.serverless ? 'runbook' : 'source',
    );
  }
  return { input: list.input<ClusterRestoreSettings>(), summary: summaryOf(list.entries, source.name) };
}
