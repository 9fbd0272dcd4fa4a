// The 13 ABIs: what each psABI says about scalar sizes and alignments (as clang 14 implements
// them; test/abi.test.ts checks the sizes against clang's own predefined macros).

import type { AbiName } from './model.js';
import { PREDEFINED_MACROS } from './predefined.generated.js';

export interface Scalar { size: number; align: number }

export interface Abi {
  name: AbiName;
  triple: string;
  /** Kernel architecture directory: arch/<karch>/include/uapi. */
  karch: string;
  bigEndian: boolean;
  charSigned: boolean;
  short: Scalar;
  int: Scalar;
  long: Scalar;
  llong: Scalar;
  pointer: Scalar;
  float: Scalar;
  double: Scalar;
  ldouble: Scalar;
  /** undefined: the target has no __int128. */
  int128?: Scalar;
  /** `__attribute__((aligned))` without an argument (clang's DefaultAlignForAttributeAligned). */
  defaultAttrAlign: number;
  /** ARM and AArch64: unnamed and zero-width bit-fields count toward the record's alignment. */
  zeroLengthBitfieldAlign: boolean;
  /** The `#define` lines clang predefines for this target. */
  predefined: string;
}

const s = (size: number, align = size): Scalar => ({ size, align });

type Shape = Omit<Abi, 'name' | 'predefined' | 'short' | 'int' | 'float'>;

const LP64 = { long: s(8), llong: s(8), pointer: s(8), double: s(8), int128: s(16) };
const ILP32 = { long: s(4), llong: s(8), pointer: s(4), double: s(8) };

const SHAPES: Record<AbiName, Shape> = {
  x86_64: { triple: 'x86_64-linux-gnu', karch: 'x86', bigEndian: false, charSigned: true, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  i386: { triple: 'i386-linux-gnu', karch: 'x86', bigEndian: false, charSigned: true, ...ILP32, llong: s(8, 4), double: s(8, 4), ldouble: s(12, 4), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  x32: { triple: 'x86_64-linux-gnux32', karch: 'x86', bigEndian: false, charSigned: true, ...ILP32, ldouble: s(16), int128: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  aarch64: { triple: 'aarch64-linux-gnu', karch: 'arm64', bigEndian: false, charSigned: false, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: true },
  arm: { triple: 'armv7a-linux-gnueabihf', karch: 'arm', bigEndian: false, charSigned: false, ...ILP32, ldouble: s(8), defaultAttrAlign: 8, zeroLengthBitfieldAlign: true },
  riscv64: { triple: 'riscv64-linux-gnu', karch: 'riscv', bigEndian: false, charSigned: false, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  riscv32: { triple: 'riscv32-linux-gnu', karch: 'riscv', bigEndian: false, charSigned: false, ...ILP32, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  s390x: { triple: 's390x-linux-gnu', karch: 's390', bigEndian: true, charSigned: false, ...LP64, ldouble: s(16, 8), defaultAttrAlign: 8, zeroLengthBitfieldAlign: false },
  ppc64le: { triple: 'powerpc64le-linux-gnu', karch: 'powerpc', bigEndian: false, charSigned: false, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  ppc64: { triple: 'powerpc64-linux-gnu', karch: 'powerpc', bigEndian: true, charSigned: false, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  ppc32: { triple: 'powerpc-linux-gnu', karch: 'powerpc', bigEndian: true, charSigned: false, ...ILP32, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  mips: { triple: 'mips-linux-gnu', karch: 'mips', bigEndian: true, charSigned: true, ...ILP32, ldouble: s(8), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
  mips64: { triple: 'mips64-linux-gnuabi64', karch: 'mips', bigEndian: true, charSigned: true, ...LP64, ldouble: s(16), defaultAttrAlign: 16, zeroLengthBitfieldAlign: false },
};

const ABIS = new Map<AbiName, Abi>();

export function getAbi(name: AbiName): Abi {
  let abi = ABIS.get(name);
  if (!abi) {
    abi = { name, short: s(2), int: s(4), float: s(4), ...SHAPES[name], predefined: PREDEFINED_MACROS[name]! };
    ABIS.set(name, abi);
  }
  return abi;
}
