// A loopback AWS for benches: RDS's Query protocol (DescribeDBInstances and
// DescribeDBInstanceAutomatedBackups, by identifier or `db-instance-id` filter) and Route 53's
// ListResourceRecordSets, answering from in-memory state after `latencyMs`, counting every request
// by action. The region comes from the SigV4 credential scope (the endpoint is one URL for all).
import { createServer } from 'node:http';

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const R53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const iso = (ms) => new Date(ms).toISOString();

export async function startFakeAws({ instances, backups, zones, latencyMs = 0 }) {
  const counts = new Map();
  const count = (key) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const [status, body] = answer(req, Buffer.concat(chunks).toString());
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(body);
      }, latencyMs);
    });
  });

  function answer(req, body) {
    const url = new URL(req.url, 'http://fake');
    if (req.method === 'GET' && /^\/2013-04-01\/hostedzone\/[^/]+\/rrset/.test(url.pathname)) {
      count('route53:ListResourceRecordSets');
      const zone = decodeURIComponent(url.pathname.split('/')[3]);
      const name = url.searchParams.get('name');
      const max = Number(url.searchParams.get('maxitems') ?? '300');
      const records = (zones.get(zone) ?? []).filter((r) => name === null || r.name >= name);
      const page = records.slice(0, max);
      const next = records[max];
      const items = page
        .map(
          (r) =>
            `<ResourceRecordSet><Name>${r.name}</Name><Type>${r.type}</Type><TTL>${r.ttl}</TTL><ResourceRecords>${r.values.map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`).join('')}</ResourceRecords></ResourceRecordSet>`,
        )
        .join('');
      const truncated = next
        ? `<IsTruncated>true</IsTruncated><NextRecordName>${next.name}</NextRecordName><NextRecordType>${next.type}</NextRecordType>`
        : '<IsTruncated>false</IsTruncated>';
      return [
        200,
        `<?xml version="1.0"?>\n<ListResourceRecordSetsResponse xmlns="${R53_NS}"><ResourceRecordSets>${items}</ResourceRecordSets>${truncated}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`,
      ];
    }
    const params = new URLSearchParams(body);
    const action = params.get('Action');
    const region = /Credential=[^/]+\/\d+\/([a-z0-9-]+)\/rds\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
    count(`rds:${action}`);
    const wanted = params.get('DBInstanceIdentifier')
      ? [params.get('DBInstanceIdentifier')]
      : [...params].filter(([k]) => /^Filters\.Filter\.\d+\.Values\.Value\.\d+$/.test(k)).map(([, v]) => v);
    const wrap = (inner) => [
      200,
      `<${action}Response xmlns="${RDS_NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
    ];
    if (action === 'DescribeDBInstances') {
      const found = wanted.filter((id) => instances.get(region)?.has(id));
      if (params.get('DBInstanceIdentifier') && found.length === 0) {
        return [
          404,
          `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>not found</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        ];
      }
      const items = found
        .map((id) => {
          const db = instances.get(region).get(id);
          return `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>${db.status}</DBInstanceStatus>${db.replicaSource ? `<ReadReplicaSourceDBInstanceIdentifier>${db.replicaSource}</ReadReplicaSourceDBInstanceIdentifier>` : ''}${db.latestRestorableTime ? `<LatestRestorableTime>${iso(db.latestRestorableTime)}</LatestRestorableTime>` : ''}</DBInstance>`;
        })
        .join('');
      return wrap(`<DBInstances>${items}</DBInstances>`);
    }
    if (action === 'DescribeDBInstanceAutomatedBackups') {
      const items = wanted
        .filter((id) => backups.get(region)?.has(id))
        .map((id) => {
          const w = backups.get(region).get(id);
          return `<DBInstanceAutomatedBackup><DBInstanceIdentifier>${id}</DBInstanceIdentifier><Status>active</Status><RestoreWindow><EarliestTime>${iso(w.earliest)}</EarliestTime><LatestTime>${iso(w.latest)}</LatestTime></RestoreWindow></DBInstanceAutomatedBackup>`;
        })
        .join('');
      return wrap(`<DBInstanceAutomatedBackups>${items}</DBInstanceAutomatedBackups>`);
    }
    return [
      400,
      `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    ];
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** Requests by `service:Action` since the last call, then reset. */
    takeCounts() {
      const out = Object.fromEntries([...counts].sort());
      counts.clear();
      return out;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
