/**
 * The floor under the gateway benchmark: a process that answers every request with the same
 * gzipped bytes and does nothing else, either with bare `node:http` or with bare express and one
 * route. Loaded by the same client as the gateway, it shows what 200 connections cost on this
 * machine before any of the gateway's own work.
 *
 * `tsx floor-server.ts <node-http|express> <file of the JSON answer>`; prints its port.
 */
import { readFileSync } from 'node:fs';
import { type RequestListener, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';

const [kind, file] = process.argv.slice(2);
const gzipped = gzipSync(readFileSync(file!));
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' };

function bareExpress(): RequestListener {
  const app = express();
  app.get('/api/v1/availability', (_req, res) => {
    res.set(headers).send(gzipped);
  });
  return app as unknown as RequestListener;
}

const listener: RequestListener =
  kind === 'express'
    ? bareExpress()
    : (_req, res) => {
        res.writeHead(200, headers).end(gzipped);
      };
const server = createServer(listener);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
