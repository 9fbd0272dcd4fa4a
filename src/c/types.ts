// The C type model the parser builds and the layout stage measures. ABI-free: sizes come later.

export type BaseInt =
  | 'char' | 'schar' | 'uchar' | 'short' | 'ushort' | 'int' | 'uint' | 'long' | 'ulong'
  | 'llong' | 'ullong' | 'int128' | 'uint128' | 'bool';

export type CType =
  | { k: 'void' }
  | { k: 'int'; base: BaseInt }
  | { k: 'float'; base: 'float' | 'double' | 'ldouble' }
  | { k: 'complex'; of: CType }
  | { k: 'ptr'; to: CType }
  | { k: 'func' }
  | { k: 'array'; of: CType; len: number | undefined }
  | { k: 'record'; rec: RecordDecl }
  | { k: 'enum'; en: EnumDecl }
  | { k: 'typedef'; name: string; of: CType; align?: number };

export interface Attributes {
  packed?: boolean;
  /** From `aligned(N)`; `aligned` alone gives the ABI's biggest alignment (marked as -1). */
  aligned?: number;
}

export interface Member {
  /** undefined for anonymous struct/union members and unnamed bit-fields. */
  name?: string;
  type: CType;
  bitWidth?: number;
  attrs: Attributes;
  line: number;
}

export interface RecordDecl {
  kind: 'struct' | 'union';
  tag?: string;
  /** For an untagged record: the first typedef naming it. */
  typedefName?: string;
  /** undefined until the definition is seen (incomplete type). */
  members?: Member[];
  attrs: Attributes;
  /** `#pragma pack(N)` in force at the definition, in bytes (0 = none). */
  maxFieldAlign: number;
  header: string;
  line: number;
  /** Set when a member could not be understood: the record cannot be laid out. */
  invalid?: string;
}

export interface EnumDecl {
  tag?: string;
  complete: boolean;
  packed: boolean;
  /** Smallest and largest enumerator values, for the underlying type. */
  min: bigint;
  max: bigint;
}

/** Strips typedefs (keeping nothing of them: callers wanting typedef alignment look first). */
export function resolve(t: CType): CType {
  while (t.k === 'typedef') t = t.of;
  return t;
}

/** The type as a C programmer writes it, for the `type` field of the output. */
export function typeName(t: CType): string {
  switch (t.k) {
    case 'void': return 'void';
    case 'int': return INT_NAMES[t.base];
    case 'float': return t.base === 'ldouble' ? 'long double' : t.base;
    case 'complex': return `_Complex ${typeName(t.of)}`;
    case 'ptr': return `${typeName(t.to)} *`;
    case 'func': return 'function';
    case 'array': return `${typeName(t.of)}[${t.len ?? ''}]`;
    case 'record': return t.rec.tag ? `${t.rec.kind} ${t.rec.tag}` : t.rec.typedefName ?? `${t.rec.kind} (anonymous)`;
    case 'enum': return t.en.tag ? `enum ${t.en.tag}` : 'enum (anonymous)';
    case 'typedef': return t.name;
  }
}

const INT_NAMES: Record<BaseInt, string> = {
  char: 'char', schar: 'signed char', uchar: 'unsigned char', short: 'short', ushort: 'unsigned short',
  int: 'int', uint: 'unsigned int', long: 'long', ulong: 'unsigned long', llong: 'long long',
  ullong: 'unsigned long long', int128: '__int128', uint128: 'unsigned __int128', bool: '_Bool',
};
