import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';

/**
 * RDS answered at the HTTP layer. RDS speaks the Query protocol: every call is a form-encoded
 * POST to `https://rds.<region>.amazonaws.com/` with `Action=<Operation>` and the input
 * flattened (`Tags.Tag.1.Key=team`), and answers XML. Tests assert on the form fields the SDK
 * really sent and answer with the XML RDS would return.
 */
export const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** A list element: XML lists wrap each item in a member element named by the API (`DBInstance`, `Tag`). */
export class XmlList {
  constructor(
    readonly member: string,
    readonly items: readonly XmlValue[],
  ) {}
}

export type XmlValue = string | number | boolean | Date | XmlList | { readonly [name: string]: XmlValue | undefined };

/** `members('Tag', [{ Key: 'a', Value: 'b' }])` → `<Tag><Key>a</Key><Value>b</Value></Tag>`. */
export function members(member: string, items: readonly XmlValue[]): XmlList {
  return new XmlList(member, items);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function content(value: XmlValue): string {
  if (value instanceof XmlList) return value.items.map((item) => element(value.member, item)).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.entries(value)
      .flatMap(([name, inner]) => (inner === undefined ? [] : [element(name, inner)]))
      .join('');
  }
  return escapeXml(String(value));
}

function element(name: string, value: XmlValue): string {
  return `<${name}>${content(value)}</${name}>`;
}

/** The XML body RDS answers `action` with: `<ActionResponse><ActionResult>…</ActionResult>…`. */
export function rdsResponseXml(action: string, result: { readonly [name: string]: XmlValue | undefined }): string {
  return (
    `<${action}Response xmlns="${RDS_XMLNS}"><${action}Result>${content(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>req-${action}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** The XML body of an RDS error (`DBInstanceNotFound`, `InvalidParameterCombination`, ...). */
export function rdsErrorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${RDS_XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>`;
}

/** One request RDS received: its Action and the other form fields, as sent. */
export interface RdsRequest {
  action: string;
  params: Record<string, string>;
}

function decode(body: unknown): Record<string, string> {
  const raw = typeof body === 'string' ? parseQuery(body) : (body as Record<string, unknown>);
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, String(value)]));
}

/** True when every field of `expected` is in `params` with that value. */
function includes(params: Record<string, string>, expected: Record<string, string>): boolean {
  return Object.entries(expected).every(([key, value]) => params[key] === value);
}

/**
 * Interceptors for one region's RDS endpoint. Each answer matches on the Action and, optionally,
 * some form fields; every matched request is recorded in `requests` in arrival order.
 */
export class RdsNock {
  readonly requests: RdsRequest[] = [];
  private readonly origin: string;

  constructor(region: string) {
    this.origin = `https://rds.${region}.amazonaws.com`;
  }

  /** Answers `times` matching requests with `result`. */
  answer(action: string, match: Record<string, string>, result: { readonly [name: string]: XmlValue | undefined }, times = 1): nock.Scope {
    return this.intercept(action, match, times, () => [200, rdsResponseXml(action, result)]);
  }

  /** Answers `times` matching requests with an RDS error. */
  fail(action: string, match: Record<string, string>, status: number, code: string, message: string, times = 1): nock.Scope {
    return this.intercept(action, match, times, () => [status, rdsErrorXml(code, message)]);
  }

  /** The requests of one Action, in order. */
  sent(action: string): Array<Record<string, string>> {
    return this.requests.filter((r) => r.action === action).map((r) => r.params);
  }

  private intercept(action: string, match: Record<string, string>, times: number, reply: () => [number, string]): nock.Scope {
    return nock(this.origin)
      .post('/', (body: unknown) => {
        const params = decode(body);
        return params.Action === action && includes(params, match);
      })
      .times(times)
      .reply((_uri, body) => {
        const { Action, Version: _version, ...params } = decode(body);
        this.requests.push({ action: String(Action), params });
        const [status, xml] = reply();
        return [status, xml, { 'content-type': 'text/xml' }];
      });
  }
}
