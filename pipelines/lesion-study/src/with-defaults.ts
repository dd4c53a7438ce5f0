/** The caller's options over the defaults; a key given as `undefined` keeps its default. */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): Omit<O, keyof D> & D {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...given } as Omit<O, keyof D> & D;
}
