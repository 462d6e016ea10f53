/** The default branch of a switch that covers every member of a union: tsc fails here when a member is added. */
export function unreachable(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${String(value)}`);
}
