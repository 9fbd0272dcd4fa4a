/* long double: 8 (arm, mips o32), 12/4 (i386), 16 (x86_64, aarch64, riscv, s390x, ppc, mips64). */

struct ld {
	char c;
	long double ld;
	char d;
};

struct ld_array {
	int i;
	long double v[2];
};

union ld_union {
	long double ld;
	char bytes[3];
};

struct ld_double {
	char c;
	double d;
	float f;
};

struct ld_complex {
	char c;
	_Complex double cd;
	_Complex float cf;
};
