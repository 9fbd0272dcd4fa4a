/* __attribute__((aligned(N))) on records, members and typedefs. */

typedef unsigned long long u64;
typedef u64 __attribute__((aligned(8))) aligned_u64;
typedef int __attribute__((aligned(16))) int16a;

struct a_member {
	char c;
	int i __attribute__((aligned(8)));
	char d;
};

struct a_record {
	char c;
} __attribute__((aligned(32)));

struct a_typedef {
	unsigned int x;
	aligned_u64 y; /* 8 even where u64 is 4-aligned (i386, ...) */
	u64 z;
};

struct a_int16a {
	char c;
	int16a i;
};

struct a_nested {
	char c;
	struct a_record r;
	short s;
};

struct a_array {
	char c;
	aligned_u64 v[3];
};

struct a_lower {
	char c;
	long long ll __attribute__((aligned(2))); /* aligned() on a member never lowers */
};

struct a_record_member {
	char c;
	struct {
		short s;
	} __attribute__((aligned(16))) in;
	char d;
};

union a_union {
	char c;
	int i __attribute__((aligned(64)));
};

struct a_max {
	char c;
	long double ld;
	int i __attribute__((aligned));
};
