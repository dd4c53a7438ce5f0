import { InvalidArgumentError } from '@modscope/core';

/**
 * Splits a text into documents at lines that hold only `separator` (`%` by default: the format of the
 * `fortune` files). A document keeps its own line breaks but not the line break before a separator line or
 * at the end of the text; Windows line ends are accepted. Documents that are empty or only whitespace are dropped.
 */
export function splitDocuments(text: string, separator = '%'): string[] {
  if (separator === '' || /[\r\n]/.test(separator)) {
    throw new InvalidArgumentError({
      argument: 'separator',
      message: `@modscope/text: a document separator must be a non-empty line without line breaks, got ${JSON.stringify(separator)}.`,
      hint: "Pass the text of the line between documents, e.g. '%' for fortune files.",
    });
  }
  const documents: string[] = [];
  let lines: string[] = [];
  const close = () => {
    const joined = lines.join('\n');
    const document = joined.endsWith('\r') ? joined.slice(0, -1) : joined;
    if (document.trim() !== '') documents.push(document);
    lines = [];
  };
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop(); // the text's final line break ends the last line; it starts no document
  for (const line of all) {
    const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (bare === separator) close();
    else lines.push(line);
  }
  close();
  return documents;
}
