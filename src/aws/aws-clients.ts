import { CloudWatchClient, type CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';

/** How every SDK client is built; tests pass `maxAttempts: 1` and their own handler or credentials. */
export interface AwsClientsOptions {
  /** SDK attempts per call including the first (SDK default 3); 1 turns SDK retries off. */
  maxAttempts?: number;
  /** Custom HTTP handler (e.g. a NodeHttpHandler with timeouts); SDK default when absent. */
  requestHandler?: CloudWatchClientConfig['requestHandler'];
  /** Static credentials or a provider; the standard credential chain when absent. */
  credentials?: CloudWatchClientConfig['credentials'];
  /**
   * Region used to sign Route 53 calls. Route 53 is global: the SDK endpoint rules send every
   * `aws`-partition region to https://route53.amazonaws.com signed for us-east-1, so the region
   * only picks the partition (set e.g. `us-gov-west-1` for GovCloud).
   */
  route53Region?: string;
}

/**
 * What a client is for. `mutate`: a call that changes AWS (promote, restore, Route 53 change). The
 * SDK retries a failed attempt by default ("maxAttempts ... defaults to 3", standard retry mode),
 * and a mutating call that timed out after AWS accepted it would be sent again: a second restore,
 * a promotion failing with InvalidDBInstanceState while the first is still running. Mutating calls
 * therefore get clients with `maxAttempts: 1`; the runner finds out what happened by describing
 * the resource (actions/confirm-mutation.ts). `read`: describes and lists, retried by the SDK.
 */
export type CallKind = 'read' | 'mutate';

/** A source of CloudWatch clients, one per region: `AwsClients` or a test factory. */
export type CloudWatchSource = Pick<AwsClients, 'cloudwatch'> | ((region: string) => CloudWatchClient);
/** A source of RDS clients, one per region: `AwsClients` or a test factory. */
export type RdsSource = Pick<AwsClients, 'rds'> | ((region: string, kind?: CallKind) => RDSClient);

/** Resolves a `CloudWatchSource` to the client for `region`. */
export function cloudwatchFor(source: CloudWatchSource, region: string): CloudWatchClient {
  return typeof source === 'function' ? source(region) : source.cloudwatch(region);
}

/** Resolves an `RdsSource` to the client for `region`. */
export function rdsFor(source: RdsSource, region: string, kind: CallKind = 'read'): RDSClient {
  return typeof source === 'function' ? source(region, kind) : source.rds(region, kind);
}

type AnyClient = CloudWatchClient | RDSClient | Route53Client;

/**
 * The SDK waits forever by default (NodeHttpHandler: "Defaults to 0, which disables the
 * timeout"), and a hung Describe* would keep a run, and its resource locks, alive with nothing
 * said. Every call gets a deadline; `throwOnRequestTimeout` makes a breach an error instead of
 * a logged warning.
 */
export const DEFAULT_REQUEST_HANDLER = {
  connectionTimeout: 5_000, // 5 seconds
  requestTimeout: 30_000, // 30 seconds
  throwOnRequestTimeout: true,
} satisfies CloudWatchClientConfig['requestHandler'];

/**
 * One SDK v3 client per (service, region), created on first use and reused so connections and
 * credentials are shared. Endpoints are left to the SDK, which already honours
 * `AWS_ENDPOINT_URL` and the per-service `AWS_ENDPOINT_URL_CLOUDWATCH`, `AWS_ENDPOINT_URL_RDS`,
 * `AWS_ENDPOINT_URL_ROUTE_53` (service id upper-cased, spaces to `_`).
 */
export class AwsClients {
  private readonly clients = new Map<string, AnyClient>();

  constructor(private readonly options: AwsClientsOptions = {}) {}

  /** The CloudWatch client for `region`. */
  cloudwatch(region: string): CloudWatchClient {
    return this.cached(`cloudwatch:${region}`, () => new CloudWatchClient(this.config(region, 'read')));
  }

  /** The RDS client for `region`; `mutate` clients never retry (see CallKind). */
  rds(region: string, kind: CallKind = 'read'): RDSClient {
    const as = this.clientKind(kind);
    return this.cached(`rds:${region}:${as}`, () => new RDSClient(this.config(region, as)));
  }

  /** The (global) Route 53 client; `mutate` clients never retry (see CallKind). */
  route53(kind: CallKind = 'read'): Route53Client {
    const region = this.options.route53Region ?? 'us-east-1';
    const as = this.clientKind(kind);
    return this.cached(`route53:${region}:${as}`, () => new Route53Client(this.config(region, as)));
  }

  /** Closes every client's sockets; call on shutdown. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private cached<T extends AnyClient>(key: string, create: () => T): T {
    let client = this.clients.get(key);
    if (!client) {
      client = create();
      this.clients.set(key, client);
    }
    return client as T;
  }

  /** With retries off for every call (`maxAttempts: 1`), one client serves both kinds. */
  private clientKind(kind: CallKind): CallKind {
    return this.options.maxAttempts === 1 ? 'read' : kind;
  }

  private config(region: string, kind: CallKind) {
    const { credentials } = this.options;
    const maxAttempts = kind === 'mutate' ? 1 : this.options.maxAttempts;
    return {
      region,
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      requestHandler: this.options.requestHandler ?? DEFAULT_REQUEST_HANDLER,
      ...(credentials !== undefined ? { credentials } : {}),
    };
  }
}
