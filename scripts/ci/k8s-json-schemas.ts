// Turns Kubernetes' OpenAPI v2 document (api/openapi-spec/swagger.json of the k8s.io/kubernetes
// module) into one standalone, strict JSON schema per kind, named as kubeconform's schema-location
// template expects: `<out>/v<version>-standalone-strict/<kind>-<group>-<version>.json` (core kinds:
// `<kind>-<version>.json`). Strict: an object that lists its properties allows no other property.
// References are inlined; a type that contains itself (JSONSchemaProps) accepts anything below its
// first level, as kubectl's own validation does.
//
// usage: node --import tsx scripts/ci/k8s-json-schemas.ts SWAGGER_JSON OUT_DIR KUBERNETES_VERSION
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = { [key: string]: unknown };
type Gvk = { group: string; version: string; kind: string };

const [swaggerPath, outDir, version] = process.argv.slice(2);
if (!swaggerPath || !outDir || !version) {
  process.stderr.write('usage: k8s-json-schemas.ts SWAGGER_JSON OUT_DIR KUBERNETES_VERSION\n');
  process.exit(2);
}

const definitions = (JSON.parse(readFileSync(swaggerPath, 'utf8')) as { definitions: Record<string, Schema> })
  .definitions;

const special: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

function convert(node: unknown, stack: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => convert(item, stack));
  if (node === null || typeof node !== 'object') return node;
  const schema = node as Schema;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/definitions/', '');
    if (special[name]) return special[name];
    if (stack.includes(name)) return {};
    const target = definitions[name];
    if (!target) throw new Error(`unresolved reference ${ref}`);
    return convert(target, [...stack, name]);
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'description') continue;
    if (key === 'format' && value === 'int-or-string') continue;
    out[key] =
      key === 'properties' ? convertProperties(value as Record<string, unknown>, stack) : convert(value, stack);
  }
  if (schema.format === 'int-or-string') return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function convertProperties(properties: Record<string, unknown>, stack: readonly string[]): Schema {
  const out: Schema = {};
  for (const [name, value] of Object.entries(properties)) out[name] = convert(value, stack);
  return out;
}

const dir = join(outDir, `v${version}-standalone-strict`);
mkdirSync(dir, { recursive: true });
let written = 0;
for (const [name, definition] of Object.entries(definitions)) {
  const kinds = definition['x-kubernetes-group-version-kind'] as Gvk[] | undefined;
  if (!kinds) continue;
  const schema = convert(definition, [name]) as Schema;
  for (const gvk of kinds) {
    const group = gvk.group === '' ? '' : `-${gvk.group.split('.')[0]!.toLowerCase()}`;
    const file = `${gvk.kind.toLowerCase()}${group}-${gvk.version.toLowerCase()}.json`;
    writeFileSync(join(dir, file), JSON.stringify({ $schema: 'http://json-schema.org/schema#', ...schema }));
    written += 1;
  }
}
process.stdout.write(`${written} schemas in ${dir}\n`);
