import { AppError } from '@otk/contracts';
import type { Request, RequestHandler, Router } from 'express';

/** The part of express's router layers this reads (express does not export their type). */
interface Layer {
  match(path: string): false | { path: string };
  route?: { methods: Record<string, boolean | undefined> };
  handle: { stack?: Layer[] };
}

/**
 * HTTP's answers for a path the API has, asked the wrong way: 405 METHOD_NOT_ALLOWED with `Allow`
 * for another method (OPTIONS gets 204 with `Allow`), and 415 UNSUPPORTED_MEDIA_TYPE for a POST
 * with a body that is not JSON (instead of a validation error about a missing body). Paths the router
 * does not have leave it unread, for the 404. The router's routes are read at request time, so routes
 * added after these middlewares count as well.
 *
 * `beforeRoutes` goes before the body parser and judges every request but GET and HEAD at once,
 * so that a body is never read for a path or method the API does not have. GET and HEAD carry no
 * body and are what patients send many times a second; they go straight to the routes, and
 * `afterRoutes`, at the end, judges only those no route took.
 */
export function httpSemantics(router: Router): { beforeRoutes: RequestHandler; afterRoutes: RequestHandler } {
  const judge: RequestHandler = (req, res, next) => {
    const allowed = allowedMethods(router.stack as unknown as Layer[], req.path);
    if (allowed.size === 0) {
      // Leave this router at once, before its body parser: a path it does not have is a 404
      // whatever the body (or belongs to a router mounted after it).
      next('router');
      return;
    }
    if (!allowed.has(req.method)) {
      res.set('allow', [...allowed].join(', '));
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, { allow: [...allowed] }));
      return;
    }
    // A POST without a body (a command like enrolling a code generator) has no type to check.
    if (req.method === 'POST' && hasBody(req) && !req.is('application/json')) {
      next(
        new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json', {
          accepted: ['application/json'],
        }),
      );
      return;
    }
    next();
  };
  return {
    beforeRoutes: (req, res, next) => (isRead(req) ? next() : judge(req, res, next)),
    afterRoutes: (req, res, next) => (isRead(req) ? judge(req, res, next) : next()),
  };
}

function isRead(req: Request): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

/** The methods of every route matching `path`, in mounted routers too; HEAD wherever GET is. */
function allowedMethods(stack: Layer[], path: string, into = new Set<string>()): Set<string> {
  for (const layer of stack) {
    const match = layer.match(path);
    if (!match) continue;
    if (layer.route) {
      for (const [method, handled] of Object.entries(layer.route.methods)) {
        if (handled && method !== '_all') into.add(method.toUpperCase());
      }
      if (into.has('GET')) into.add('HEAD');
    } else if (layer.handle.stack) {
      allowedMethods(layer.handle.stack, path.slice(match.path.length) || '/', into);
    }
  }
  return into;
}

/** Whether a body follows: a chunked one, or a length above zero (fetch sends `Content-Length: 0` for none). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
