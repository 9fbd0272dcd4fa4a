/* Bit-fields of one declared type: packing into storage units, straddling, widths up to the type's. */

struct bf_basic {
	unsigned int a : 1;
	unsigned int b : 3;
	unsigned int c : 28; /* exactly fills the first unsigned int */
	unsigned int d : 5;
};

struct bf_straddle {
	unsigned int a : 30;
	unsigned int b : 4; /* does not fit in the remaining 2 bits: starts a new unit */
	unsigned char c;
};

struct bf_char {
	unsigned char a : 3;
	unsigned char b : 6; /* would straddle a byte: moves to the next one */
	unsigned char c : 8;
};

struct bf_short_then_int {
	unsigned short a : 12;
	unsigned int b : 12; /* shares the storage with a: placed at bit 12 */
	unsigned int c : 12;
};

struct bf_u64 {
	unsigned long long a : 40;
	unsigned long long b : 30; /* straddles 64 bits: new unit */
	unsigned int c : 4;
};

struct bf_signed {
	int a : 4;
	signed char b : 2;
	long c : 3;
};

struct bf_after_member {
	char c;
	unsigned int a : 12; /* shares the int-aligned storage unit that starts at 0 */
	unsigned int b : 20;
};

union bf_union {
	unsigned int a : 3;
	unsigned long long b : 33;
	char c;
};

struct bf_bool {
	_Bool a : 1;
	_Bool b : 1;
	unsigned char rest;
};
