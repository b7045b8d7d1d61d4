import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { principalOf, type Principal } from '../auth/principal.js';
import { roleAtLeast, type Role } from '../auth/roles.js';
import { badRequest, forbidden, type FieldProblem } from './api-error.js';

/** One documented answer of a route. */
export interface ResponseSpec {
  readonly description: string;
  /** Shape of the JSON body; absent for empty answers and event streams. */
  readonly schema?: z.ZodType;
  /** Media type when not JSON (e.g. `text/event-stream`, `text/html`). */
  readonly contentType?: string;
}

/** A route: method, express path, who may call it, and the zod schemas of its inputs and outputs (the OpenAPI document is generated from these). */
export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path template, e.g. `/api/v1/logs/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` needs no credentials; a role needs a principal with at least that role. */
  readonly access: 'public' | Role;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Status of a successful answer (default 200). */
  readonly successStatus?: number;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** What a handler receives: validated inputs and, on protected routes, the principal. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | undefined;
  readonly req: Request;
  readonly res: Response;
}

/** The middleware a protected route runs before its handler. */
export interface RouteGuards {
  /** Authenticates the request (JWT or API key) and stores the principal, or answers 401. */
  readonly authenticate: RequestHandler;
  /** Applies the per-principal rate limit, or answers 429. */
  readonly limitPrincipal: RequestHandler;
}

/** Registers routes on a router and remembers their specs, so the OpenAPI document lists exactly the routes that exist. */
export class RouteTable {
  /** Every registered spec, in registration order. */
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly router: Router,
    private readonly guards: RouteGuards,
  ) {}

  /** Documents a route served by other middleware (the health router), so the document still lists every route. */
  documentOnly(spec: RouteSpec): void {
    this.specs.push(spec);
  }

  /** Adds a route; the handler's return value is sent as JSON with the success status (undefined sends no body, unless the handler answered itself). */
  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => unknown,
  ): void {
    this.specs.push(spec as unknown as RouteSpec);
    const chain: RequestHandler[] = [
      (_req, res, next) => {
        res.locals['routeTemplate'] = spec.path;
        next();
      },
    ];
    if (spec.access !== 'public') {
      const need = spec.access;
      chain.push(this.guards.authenticate, this.guards.limitPrincipal, (_req, res, next) => {
        if (!roleAtLeast(principalOf(res).role, need)) throw forbidden(`this needs the ${need} role`);
        next();
      });
    }
    chain.push(async (req, res) => {
      const problems: FieldProblem[] = [];
      const params = parsePart('params', spec.params, req.params, problems);
      const query = parsePart('query', spec.query, req.query, problems);
      const body = parsePart('body', spec.body, spec.body === undefined ? undefined : (req.body ?? {}), problems);
      if (problems.length > 0) throw badRequest('invalid request', problems);
      const principal = res.locals['principal'] as Principal | undefined;
      const result = await handler({ params, query, body, principal, req, res } as RouteInput<z.output<P>, z.output<Q>, z.output<B>>);
      if (res.headersSent) return;
      res.status(spec.successStatus ?? 200);
      if (result === undefined) res.end();
      else res.json(result);
    });
    this.router[spec.method](spec.path, ...chain);
  }
}

function parsePart(part: string, schema: z.ZodType | undefined, value: unknown, problems: FieldProblem[]): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues.slice(0, 20)) {
    problems.push({ path: [part, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}
