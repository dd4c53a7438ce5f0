export interface FromTfjsModelOptions {
  /** Name of the network, for reports; defaults to the model's name. */
  name?: string;
  /** Where the model came from, recorded in `network.source.path`. */
  path?: string;
}
