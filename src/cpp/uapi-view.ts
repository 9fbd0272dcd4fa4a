// The `make headers_install` view of a raw kernel source header (scripts/headers_install.sh).
// The sed part is applied here, line by line, with the same regular expressions; the
// `unifdef -U__KERNEL__ -D__EXPORTED_HEADERS__` part is the preprocessor's job (see RAW_SOURCE_MACROS):
// evaluating those two names as fixed while preprocessing gives the same result as removing the
// blocks beforehand.

const SPACE = '[ \\t\\f\\v\\r]';
const SED_RULES: Array<[RegExp, string]> = [
  [new RegExp(`([ \\t\\f\\v\\r(])(__user|__force|__iomem)${SPACE}`, 'g'), '$1'],
  [new RegExp(`__attribute_const__(${SPACE}|$)`, 'g'), '$1'],
  [/^#include <linux\/compiler(|_types)\.h>/, ''],
  [/(^|[^a-zA-Z0-9])__packed([^a-zA-Z0-9_]|$)/g, '$1__attribute__((packed))$2'],
  [new RegExp(`(^|[ \\t\\f\\v\\r(])(inline|asm|volatile)([ \\t\\f\\v\\r(]|$)`, 'g'), '$1__$2__$3'],
  [new RegExp(`#(ifndef|define|endif${SPACE}*/[*])${SPACE}*_UAPI`), '#$1 '],
];

/** Quick test so that lines needing no rewrite cost one scan. */
const MAY_MATCH = /__user|__force|__iomem|__attribute_const__|#include <linux\/compiler|__packed|inline|asm|volatile|_UAPI/;

export function headersInstallView(text: string): string {
  if (!MAY_MATCH.test(text)) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (!MAY_MATCH.test(line)) continue;
    // JavaScript's replace resumes after each replacement, as sed's s///g does (a character a
    // match consumed cannot start the next one), so the text comes out as sed's.
    for (const [re, to] of SED_RULES) line = line.replace(re, to);
    lines[i] = line;
  }
  return lines.join('\n');
}

/** Macro facts that `unifdef -U__KERNEL__ -D__EXPORTED_HEADERS__` fixes for raw sources. */
export const RAW_SOURCE_MACROS = { undefined: ['__KERNEL__'], defined: ['__EXPORTED_HEADERS__'] } as const;
