/** A tfjs layer name: letters, digits, `._/-`, starting with a letter or digit. */
export function tfjsLayerName(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._/-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.length > 0 ? cleaned : 'layer';
}

/** Gives each layer id a tfjs layer name (plus an optional suffix) no other layer of the model has. */
export function createLayerNamer(): (id: string, suffix?: string) => string {
  const used = new Set<string>();
  return (id, suffix = '') => {
    const base = tfjsLayerName(id) + suffix;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}
