import { ApiError, notFound, unavailable } from '../http/api-error.js';

/** Reads subjects and versions from the schema registry (Confluent REST API); path segments are always URL-encoded and validated by the caller. */
export class RegistryReader {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** Every subject. */
  async subjects(): Promise<string[]> {
    return (await this.get('/subjects', 'subjects')) as string[];
  }

  /** The version numbers of `subject`; 404 when unknown. */
  async versions(subject: string): Promise<number[]> {
    return (await this.get(`/subjects/${encodeURIComponent(subject)}/versions`, 'subject')) as number[];
  }

  /** One version of `subject` with its parsed schema; 404 when unknown. */
  async version(subject: string, version: number | 'latest'): Promise<{ subject: string; version: number; id: number; schema: unknown }> {
    const body = (await this.get(`/subjects/${encodeURIComponent(subject)}/versions/${version}`, 'schema version')) as { subject: string; version: number; id: number; schema: string };
    let schema: unknown = body.schema;
    try {
      schema = JSON.parse(body.schema);
    } catch {
      // Not JSON (another schema type): shown as the registry gave it.
    }
    return { subject: body.subject, version: body.version, id: body.id, schema };
  }

  private async get(path: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), { headers: { accept: 'application/vnd.schemaregistry.v1+json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw unavailable('the schema registry');
    }
    if (response.status === 404) throw notFound(what);
    if (response.status === 422) throw new ApiError(400, 'invalid_request', `the registry refused the ${what} request`);
    if (!response.ok) throw unavailable('the schema registry');
    return response.json();
  }
}
