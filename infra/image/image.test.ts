/**
 * The image and the compose file, checked without a Docker engine (none runs here): the
 * Dockerfile is valid to a well-kept Dockerfile linter (dockerfile-utils, the Docker language
 * server's validator) and has the shape production needs — multi-stage, the runtime stage copying
 * only the build stage's production tree, an unprivileged user, a health check on /readyz, node
 * as PID 1 (exec form) — and docker-compose.yml is valid to the Compose specification's JSON schema
 * and dclint's rules (infra/image/dclint.json) and runs every service from that image.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
const compose = readFileSync(`${ROOT}docker-compose.yml`, 'utf8');

/** The instructions of each stage, by stage name. */
function stages(): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const i of DockerfileParser.parse(dockerfile).getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      current = [];
      out.set(/\bAS\s+(\S+)/i.exec(i.getArgumentsContent() ?? '')?.[1] ?? `stage${out.size}`, current);
    }
    current?.push(i);
  }
  return out;
}
const args = (i: Instruction) => i.getArgumentsContent() ?? '';

describe('the Dockerfile', () => {
  it('is valid to the Dockerfile linter (dockerfile-utils), warnings included', () => {
    const problems = validate(dockerfile).map((d) => ({
      line: d.range.start.line + 1,
      message: typeof d.message === 'string' ? d.message : d.message.value,
    }));
    expect(problems).toEqual([]);
  });

  it('builds in one stage and runs the production tree of it in another', () => {
    const s = stages();
    expect([...s.keys()]).toEqual(['build', 'runtime']);
    const build = (s.get('build') ?? []).map(args).join('\n');
    expect(build).toContain('pnpm install --frozen-lockfile');
    expect(build).toContain('pnpm build');
    expect(build).toContain('scripts/runtime-tree.ts /app');
    const copies = (s.get('runtime') ?? []).filter((i) => ['COPY', 'ADD'].includes(i.getKeyword()));
    expect(copies.map((i) => i.getTextContent())).toEqual(['COPY --from=build /app /app']);
    expect((s.get('runtime') ?? []).some((i) => i.getKeyword() === 'RUN')).toBe(false);
  });

  it('runs as a user that is not root', () => {
    const users = (stages().get('runtime') ?? []).filter((i) => i.getKeyword() === 'USER').map(args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks health on /readyz and runs node as PID 1 (exec form), the ingest by default', () => {
    const runtime = stages().get('runtime') ?? [];
    const health = runtime.filter((i) => i.getKeyword() === 'HEALTHCHECK').map(args);
    expect(health).toHaveLength(1);
    expect(health[0]).toMatch(/CMD \["node", "-e", ".*\/readyz/);
    const exec = (k: string) =>
      runtime
        .filter((i) => i.getKeyword() === k)
        .map((i) => JSON.parse(args(i)) as unknown)
        .at(-1);
    expect(exec('ENTRYPOINT')).toEqual(['node']);
    expect(exec('CMD')).toEqual(['services/ingest/dist/main.js']);
  });
});

describe('docker-compose.yml', () => {
  it('is valid to the Compose specification JSON schema (the copy dclint publishes), by ajv', () => {
    const dclint = dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
    const schema = JSON.parse(readFileSync(`${dclint}/schemas/compose.schema.json`, 'utf8')) as {
      title: string;
    };
    expect(schema.title).toBe('Compose Specification');
    // the schema names draft-07 by an https URL ajv does not register; it is draft-07 (ajv's own)
    const check = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(schema);
    const valid = check(parseYaml(compose, { merge: true }));
    expect(check.errors ?? [], JSON.stringify(check.errors)).toEqual([]);
    expect(valid).toBe(true);
    // and the schema is not vacuous: a misspelt key is refused
    expect(check({ services: { x: { image: 'a', comand: ['b'] } } })).toBe(false);
  });

  it('is valid to the Compose specification schema and passes dclint, warnings included', () => {
    const run = () =>
      execFileSync(
        process.execPath,
        [
          `${ROOT}node_modules/dclint/bin/dclint.cjs`,
          '-c',
          `${ROOT}infra/image/dclint.json`,
          '--max-warnings',
          '0',
          '--color',
          'false',
          `${ROOT}docker-compose.yml`,
        ],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    expect(run).not.toThrow();
  });

  it('runs each service from the one image, node running its compiled main', () => {
    for (const name of ['ingest', 'query-api', 'aggregator'])
      expect(compose).toContain(`  ${name}:\n    <<: *app\n    command: ['services/${name}/dist/main.js']`);
    expect(compose).not.toMatch(/tsx|src\/main\.ts/);
  });
});
