const MAX_CHARS = 60;

/**
 * A value as an error message quotes it after "got": JSON-like, on one line, cut at 60
 * characters so a wrong paste of a whole file does not flood the terminal.
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else text = toJson(value);
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    // A YAML alias can make a value that contains itself.
    return `a ${Array.isArray(value) ? 'list' : 'mapping'} that contains itself`;
  }
}
