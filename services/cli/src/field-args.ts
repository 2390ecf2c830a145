/** `--name value` and `--name=value` pairs plus positionals; every option takes a value. */
export function parseFieldArgs(argv: string[]): { positionals: string[]; values: Record<string, string> } {
  const positionals: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values[name] = value;
  }
  return { positionals, values };
}
