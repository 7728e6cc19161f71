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

/** A source of CloudWatch clients, one per region: `AwsClients` or a test factory. */
export type CloudWatchSource = Pick<AwsClients, 'cloudwatch'> | ((region: string) => CloudWatchClient);
/** A source of RDS clients, one per region: `AwsClients` or a test factory. */
export type RdsSource = Pick<AwsClients, 'rds'> | ((region: string) => RDSClient);

/** Resolves a `CloudWatchSource` to the client for `region`. */
export function cloudwatchFor(source: CloudWatchSource, region: string): CloudWatchClient {
  return typeof source === 'function' ? source(region) : source.cloudwatch(region);
}

/** Resolves an `RdsSource` to the client for `region`. */
export function rdsFor(source: RdsSource, region: string): RDSClient {
  return typeof source === 'function' ? source(region) : source.rds(region);
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
    return this.cached(`cloudwatch:${region}`, () => new CloudWatchClient(this.config(region)));
  }

  /** The RDS client for `region`. */
  rds(region: string): RDSClient {
    return this.cached(`rds:${region}`, () => new RDSClient(this.config(region)));
  }

  /** The (global) Route 53 client. */
  route53(): Route53Client {
    const region = this.options.route53Region ?? 'us-east-1';
    return this.cached(`route53:${region}`, () => new Route53Client(this.config(region)));
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

  private config(region: string) {
    const { maxAttempts, credentials } = this.options;
    return {
      region,
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      requestHandler: this.options.requestHandler ?? DEFAULT_REQUEST_HANDLER,
      ...(credentials !== undefined ? { credentials } : {}),
    };
  }
}
