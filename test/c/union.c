/* Unions: size is the largest member rounded up to the largest alignment. */

typedef unsigned long long u64;

union u_basic {
	char c;
	int i;
	short s[3];
};

union u_pad {
	char c[9];
	u64 v;
};

union u_nested {
	struct {
		char a;
		u64 b;
	} s;
	union {
		short x;
		char y[5];
	} inner;
	int i;
};

struct u_in_struct {
	char c;
	union u_pad u;
	char d;
};

union u_aligned {
	char c;
	int i;
} __attribute__((aligned(16)));

union u_single {
	char c;
};
