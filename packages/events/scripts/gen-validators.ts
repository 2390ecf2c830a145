/**
 * The topic's validators are generated from the zod schemas that own the event, not written twice:
 * this script walks `canonicalEventSchema` and `handoverSchema` and writes plain TypeScript
 * functions (src/validators.gen.ts) that accept exactly what the schemas accept and return the
 * value they were given, checked and normalized in place — no second object per record.
 * `pnpm --filter @tally/events gen:validators` rewrites the file; src/validators.gen.test.ts fails
 * when it is not what the schemas give today, and checks, with payloads written and fuzzed, that
 * the two agree on every accept, every reject and every output.
 *
 * What a generated validator does not do is say why: on a reject the caller asks zod again, so
 * a reason is always zod's own (services/aggregator/src/decode.ts).
 *
 * The walk knows the zod node kinds the event uses (object (strict), string and its length, regex
 * and datetime checks, number and its range and safe-integer checks, boolean, enum, literal,
 * optional, a pipe into a transform) and refuses any other, so a schema change it cannot follow
 * fails here, not in production. Refinements and transforms are functions: each must be exported
 * by a module of this package under a name, which the generated code imports and calls. Two
 * things cannot be found by identity and are named below: the object-level `superRefine`s (zod
 * wraps the function) and sub-schemas handed to zod whole (`DELEGATE`).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import * as canonicalEvent from '../src/canonical-event.ts';
import * as controlRecord from '../src/control-record.ts';
import * as text from '../src/text.ts';

export const GENERATED = fileURLToPath(new URL('../src/validators.gen.ts', import.meta.url));

/** The modules whose exports the generated code may import, by their path from src/. */
const MODULES: Record<string, Record<string, unknown>> = {
  './canonical-event.ts': canonicalEvent,
  './control-record.ts': controlRecord,
  './text.ts': text,
};

/** What to generate: a function name, the schema, the type it returns, its object-level refinements. */
const TARGETS = [
  {
    name: 'validateCanonicalEvent',
    schema: canonicalEvent.canonicalEventSchema,
    type: 'CanonicalEvent',
    superRefine: ['crossFieldRules'],
  },
  { name: 'validateHandover', schema: controlRecord.handoverSchema, type: 'Handover', superRefine: [] },
] as const;

/** Sub-schemas checked by zod itself (see `urlSchema`: zod rewrites the value before its checks). */
const DELEGATE = ['urlSchema'];

// The zod internals the walk reads (zod 4's `_zod.def`).
interface Def {
  type: string;
  checks?: Node[];
  shape?: Record<string, Node>;
  catchall?: Node;
  innerType?: Node;
  in?: Node;
  out?: Node;
  entries?: Record<string, unknown>;
  values?: unknown[];
  transform?: unknown;
  fn?: unknown;
  check?: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  coerce?: boolean;
}
interface Node {
  _zod: { def: Def; check?: unknown };
}

interface Ref {
  module: string;
  name: string;
}

function exportsOf(): Map<unknown, Ref> {
  const refs = new Map<unknown, Ref>();
  for (const [module, ns] of Object.entries(MODULES))
    for (const [name, value] of Object.entries(ns)) if (!refs.has(value)) refs.set(value, { module, name });
  return refs;
}

class Emitter {
  readonly imports = new Map<string, Set<string>>();
  readonly consts: string[] = [];
  /** Outputs of delegated checks, declared at the top of the function being generated. */
  locals: string[] = [];
  private n = 0;
  constructor(private readonly refs: Map<unknown, Ref>) {}

  fresh(prefix: string): string {
    this.n += 1;
    return `${prefix}${this.n}`;
  }

  use(ref: Ref): string {
    const names = this.imports.get(ref.module) ?? new Set<string>();
    names.add(ref.name);
    this.imports.set(ref.module, names);
    return ref.name;
  }

  named(value: unknown, what: string): string {
    const ref = this.refs.get(value);
    if (!ref)
      throw new Error(`gen-validators: ${what} is not exported by a module of @tally/events; export it`);
    return this.use(ref);
  }

  private readonly constants = new Map<string, string>();

  /** A module-level constant for `expr`, one per distinct text. */
  constant(prefix: string, expr: string): string {
    const known = this.constants.get(expr);
    if (known) return known;
    const name = this.fresh(prefix);
    this.constants.set(expr, name);
    this.consts.push(`const ${name} = ${expr};`);
    return name;
  }

  /**
   * Code that returns `undefined` unless `v` (an expression without side effects) passes `node`.
   * `assign(out)` is code that stores a changed output `out`; nothing is stored while checking.
   */
  node(node: Node, v: string, path: string, writes: string[], assign: (out: string) => string): string[] {
    const def = node._zod.def;
    const ref = this.refs.get(node);
    if (ref && DELEGATE.includes(ref.name)) {
      const [r, d] = [this.fresh('r'), this.fresh('d')];
      this.locals.push(`let ${d}: unknown;`);
      writes.push(assign(d));
      return [
        `const ${r} = ${this.use(ref)}.safeParse(${v});`,
        `if (!${r}.success) return undefined;`,
        `${d} = ${r}.data;`,
      ];
    }
    if (def.coerce) throw new Error(`gen-validators: ${path}: coercion is not supported`);
    switch (def.type) {
      case 'string':
        return [`if (typeof ${v} !== 'string') return undefined;`, ...this.checks(node, v, path)];
      case 'number':
        return [
          `if (typeof ${v} !== 'number' || !Number.isFinite(${v})) return undefined;`,
          ...this.checks(node, v, path),
        ];
      case 'boolean':
        return [`if (typeof ${v} !== 'boolean') return undefined;`, ...this.checks(node, v, path)];
      case 'enum': {
        const set = this.constant(
          'ONE_OF',
          `new Set<unknown>(${JSON.stringify(Object.values(def.entries ?? {}))})`,
        );
        return [`if (!${set}.has(${v})) return undefined;`, ...this.checks(node, v, path)];
      }
      case 'literal':
        return [
          `if (!(${(def.values ?? []).map((x) => `${v} === ${JSON.stringify(x)}`).join(' || ')})) return undefined;`,
        ];
      case 'optional': {
        const inner = def.innerType;
        if (!inner) throw new Error(`gen-validators: ${path}: optional without an inner type`);
        const body = this.node(inner, v, path, writes, (out) => `if (${v} !== undefined) ${assign(out)}`);
        return [`if (${v} !== undefined) {`, ...body, '}'];
      }
      case 'pipe': {
        const [from, to] = [def.in, def.out];
        if (!from || !to || to._zod.def.type !== 'transform')
          throw new Error(`gen-validators: ${path}: only a pipe into a transform is supported`);
        writes.push(assign(`${this.named(to._zod.def.transform, `the transform of ${path}`)}(${v})`));
        return this.node(from, v, path, [], () => {
          throw new Error(`gen-validators: ${path}: a transform before a transform`);
        });
      }
      case 'object':
        return this.object(node, v, path, writes, []);
      default:
        throw new Error(`gen-validators: ${path}: zod type '${def.type}' is not supported`);
    }
  }

  /** A strict object: no key outside the shape, each field checked, then its outputs stored. */
  object(node: Node, v: string, path: string, writes: string[], superRefine: readonly string[]): string[] {
    const def = node._zod.def;
    if (def.catchall?._zod.def.type !== 'never')
      throw new Error(`gen-validators: ${path}: only strict objects (z.strictObject) are supported`);
    const shape = def.shape ?? {};
    const keys = this.constant('KEYS', `new Set<string>(${JSON.stringify(Object.keys(shape))})`);
    const o = this.fresh('o');
    const lines = [
      `if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) return undefined;`,
      `const ${o} = ${v} as Record<string, unknown>;`,
      `for (const k in ${o}) if (!${keys}.has(k)) return undefined;`,
    ];
    const own: string[] = [];
    for (const [key, field] of Object.entries(shape)) {
      const f = this.fresh('f');
      lines.push(`const ${f} = ${o}[${JSON.stringify(key)}];`);
      lines.push(
        ...this.node(field, f, `${path}.${key}`, own, (out) => `${o}[${JSON.stringify(key)}] = ${out};`),
      );
    }
    writes.push(...own);
    // A refinement of the object sees its output, as in zod: store the outputs first.
    const refinements = (def.checks ?? []).filter((c) => c._zod.def.check === 'custom');
    if (refinements.length !== superRefine.length || refinements.length !== (def.checks ?? []).length)
      throw new Error(
        `gen-validators: ${path}: ${refinements.length} object-level refinement(s), ${superRefine.length} named; name each in TARGETS`,
      );
    if (superRefine.length > 0) {
      lines.push(...writes.splice(0));
      for (const name of superRefine) {
        const fn = this.use({ module: moduleOf(name), name });
        lines.push(`refused = false;`, `${fn}(${o} as never, FLAG);`, `if (refused) return undefined;`);
      }
    }
    return lines;
  }

  /** The checks of a string or number, the schema's own (a string format) first, as zod runs them. */
  checks(node: Node, v: string, path: string): string[] {
    const own = node._zod.check ? [node] : [];
    return [...own, ...(node._zod.def.checks ?? [])].map((c) => this.check(c, v, path));
  }

  check(c: Node, v: string, path: string): string {
    const d = c._zod.def;
    switch (d.check) {
      case 'min_length':
        return `if (${v}.length < ${d.minimum}) return undefined;`;
      case 'max_length':
        return `if (${v}.length > ${d.maximum}) return undefined;`;
      case 'greater_than':
        return `if (!(${v} ${d.inclusive ? '>=' : '>'} ${d.value})) return undefined;`;
      case 'less_than':
        return `if (!(${v} ${d.inclusive ? '<=' : '<'} ${d.value})) return undefined;`;
      case 'number_format':
        if (d.format !== 'safeint') throw new Error(`gen-validators: ${path}: number format '${d.format}'`);
        return `if (!Number.isSafeInteger(${v})) return undefined;`;
      case 'string_format': {
        const p = d.pattern;
        if (!p || !['regex', 'datetime'].includes(d.format ?? '') || /[gy]/.test(p.flags))
          throw new Error(`gen-validators: ${path}: string format '${d.format}' is not supported`);
        return `if (!${this.constant('PATTERN', p.toString())}.test(${v})) return undefined;`;
      }
      case 'custom':
        return `if (!${this.named(d.fn, `the refinement of ${path}`)}(${v})) return undefined;`;
      default:
        throw new Error(`gen-validators: ${path}: check '${d.check}' is not supported`);
    }
  }
}

/** The text of src/validators.gen.ts for the schemas as they are. */
export async function validatorsSource(): Promise<string> {
  const e = new Emitter(exportsOf());
  const functions = TARGETS.map((t) => {
    const writes: string[] = [];
    e.locals = [];
    const body = e.object(t.schema as unknown as Node, 'value', t.type, writes, t.superRefine);
    const schema = exportName(t.schema);
    e.use({ module: moduleOf(schema), name: t.type });
    return `/** \`value\` itself, checked and normalized in place, when \`${schema}\` accepts it; else \`undefined\`. */
export function ${t.name}(value: unknown): ${t.type} | undefined {
  ${[...e.locals, ...body, ...writes, `return value as ${t.type};`].join('\n  ')}
}`;
  });
  const imports = [...e.imports]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, names]) => {
      const types = new Set<string>(TARGETS.map((t) => t.type));
      const list = [...names].sort().map((n) => (types.has(n) ? `type ${n}` : n));
      return `import { ${list.join(', ')} } from '${m}';`;
    });
  const text = `/**
 * GENERATED from the zod schemas of this package by scripts/gen-validators.ts:
 * \`pnpm --filter @tally/events gen:validators\`. Do not edit.
 *
 * Each function accepts exactly what its schema accepts and returns the value it was given,
 * normalized in place as the schema's output would be (the same fields and values). On
 * \`undefined\` the value may have been changed: ask the schema for the reason from the bytes.
 */
${imports.join('\n')}

type Ctx = Parameters<typeof crossFieldRules>[1];
let refused = false;
/** The refinement context the object-level rules report to: any issue refuses. */
const FLAG = { addIssue: () => void (refused = true) } as unknown as Ctx;

${e.consts.join('\n')}

${functions.join('\n\n')}
`;
  return format(text, { ...(await resolveConfig(GENERATED)), filepath: GENERATED });
}

/** The module that exports `name` (a type is looked up by the schema it is inferred from). */
function moduleOf(name: string): string {
  for (const [m, ns] of Object.entries(MODULES)) if (name in ns) return m;
  const schema = `${name[0]?.toLowerCase()}${name.slice(1)}Schema`;
  for (const [m, ns] of Object.entries(MODULES)) if (schema in ns) return m;
  throw new Error(`gen-validators: no module of @tally/events exports ${name}`);
}

function exportName(value: unknown): string {
  for (const ns of Object.values(MODULES))
    for (const [name, v] of Object.entries(ns)) if (v === value) return name;
  throw new Error('gen-validators: a target schema is not exported');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED, await validatorsSource());
  console.log(`wrote ${GENERATED}`);
}
