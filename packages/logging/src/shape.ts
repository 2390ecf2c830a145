/**
 * The shape of a value a sender or a provider controls, for logs that must say what kind of value
 * came without repeating it (a phone number in a status field, a token in a name): ASCII letters
 * become `a`/`A`, digits `9`, any other character outside printable ASCII `?`; punctuation and
 * spaces stay, so `whatsapp:+15558001112` is logged as `aaaaaaaa:+99999999999`. At most `max`
 * characters are shaped; the length is given beside.
 */
export function shapeOf(value: string, max = 64): { shape: string; length: number } {
  let shape = '';
  for (const ch of value.slice(0, max)) {
    if (/[a-z]/.test(ch)) shape += 'a';
    else if (/[A-Z]/.test(ch)) shape += 'A';
    else if (/[0-9]/.test(ch)) shape += '9';
    else if (/[\x20-\x7e]/.test(ch)) shape += ch;
    else shape += '?';
  }
  return { shape, length: value.length };
}
