/* Bit-fields of mixed types, zero-width and unnamed bit-fields, bit-fields in packed and aligned records. */

struct bm_mixed {
	char c;
	unsigned short s : 5;
	unsigned int i : 10;
	unsigned long long ll : 33;
	unsigned char b : 2;
};

struct bm_zero_width {
	unsigned int a : 3;
	int : 0; /* next bit-field starts at the next int boundary */
	unsigned int b : 3;
	char : 0;
	char c;
	long long : 0;
	unsigned char d : 1;
};

struct bm_zero_width_only {
	char c;
	int : 0;
	char d;
};

struct bm_unnamed {
	unsigned int a : 4;
	unsigned int : 4; /* padding bits, no name */
	unsigned int b : 8;
	unsigned char : 3;
	unsigned char c : 5;
};

struct bm_packed {
	char c;
	unsigned int a : 5;
	unsigned int b : 30; /* straddles: allowed in packed records */
	unsigned short s : 9;
	unsigned long long ll : 40;
} __attribute__((packed));

struct bm_packed_zero {
	char c;
	unsigned int a : 3;
	int : 0;
	unsigned char b : 2;
} __attribute__((packed));

struct bm_member_packed {
	char c;
	unsigned int a : 30 __attribute__((packed));
	unsigned int b : 4;
};

struct bm_aligned {
	unsigned int a : 3 __attribute__((aligned(8)));
	unsigned int b : 3;
	unsigned int c : 3 __attribute__((aligned(16)));
};

struct bm_record_aligned {
	unsigned char a : 3;
	unsigned char b : 7;
} __attribute__((aligned(8)));

#pragma pack(push, 2)
struct bm_pragma {
	char c;
	unsigned int a : 20;
	unsigned int b : 20;
};
#pragma pack(pop)

union bm_union {
	unsigned char a : 1;
	unsigned long long b : 40;
	int : 0;
	short c;
};

struct bm_signed_mixed {
	signed char a : 3;
	short b : 9;
	int c : 17;
	long long d : 35;
};
