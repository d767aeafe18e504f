import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

interface Operation {
  responses: Record<string, { $ref?: string }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const file = fileURLToPath(new URL('../../docs/api/openapi.yaml', import.meta.url));

/**
 * Checks real responses against docs/api/openapi.yaml: the path and method must be documented,
 * the status among its responses, and the JSON body valid against that response's schema.
 */
export function openApiChecker(): (method: string, path: string, status: number, body: unknown) => void {
  const document = parse(readFileSync(file, 'utf8')) as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'openapi' });
  return (method, path, status, body) => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${path} is not in openapi.yaml`);
    const response = operation.responses[String(status)];
    if (!response) throw new Error(`${method} ${path} answered ${status}, which openapi.yaml does not list`);
    const escapedPath = path.replaceAll('~', '~0').replaceAll('/', '~1');
    const pointer = response.$ref ?? `#/paths/${escapedPath}/${method.toLowerCase()}/responses/${status}`;
    const validate = ajv.getSchema(`openapi${pointer}/content/application~1json/schema`);
    if (!validate) throw new Error(`openapi.yaml has no JSON schema at ${pointer}`);
    if (!validate(body)) {
      throw new Error(`${method} ${path} ${status} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}`);
    }
  };
}
