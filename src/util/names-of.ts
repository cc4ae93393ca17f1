/**
 * A registry's keys, in order. Typed by inference, so a declaration built on them (a public type)
 * shows the names themselves, not the registry's shape.
 */
export function namesOf<Name extends string>(registry: Record<Name, unknown>): readonly Name[] {
  return Object.keys(registry).filter((key): key is Name => key in registry);
}
