/* Zero-length arrays, flexible array members, empty structs (GNU C: size 0). */

typedef unsigned int u32;
typedef unsigned long long u64;

struct f_flex {
	u32 n;
	u64 data[]; /* raises the record's alignment, adds no size */
};

struct f_zero {
	u32 n;
	u64 data[0];
};

struct f_zero_mid {
	char c;
	int none[0];
	char d;
};

struct f_empty {
};

struct f_has_empty {
	char c;
	struct f_empty e;
	int i;
};

union f_union_zero {
	u32 n[0];
	u64 m[0];
};

struct f_flex_pad {
	u64 a;
	char c;
	char tail[]; /* starts right after c, before the tail padding */
};

struct f_anon_flex {
	u32 len;
	union {
		struct {
			struct {} __empty_b;
			u32 b[];
		};
		struct {
			struct {} __empty_q;
			u64 q[];
		};
	};
};
