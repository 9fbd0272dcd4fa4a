/* __int128 exists only where __SIZEOF_INT128__ is defined (64-bit targets). */

#ifdef __SIZEOF_INT128__
struct i128 {
	char c;
	__int128 s;
	unsigned __int128 u;
};

struct i128_bitfield {
	unsigned __int128 a : 100;
	unsigned __int128 b : 28;
	char c;
};

union i128_union {
	__int128 v;
	unsigned long long w[2];
};
#endif

struct i128_absent {
	char c;
	long long ll;
};
