/* Anonymous struct/union members (no segment in paths) and named members of untagged types. */

struct an_union {
	int kind;
	union {
		int i;
		long l;
		char c[3];
	};
	char after;
};

struct an_nested {
	char c;
	struct {
		short s;
		union {
			int i;
			struct {
				char x;
				long long y;
			};
		};
	};
	char tail;
};

struct an_named {
	int kind;
	union {
		struct {
			unsigned long long reason;
		} hw;
		struct {
			unsigned int code;
			unsigned char data[5];
		} fail;
		char padding[64];
	} u;
};

struct an_mixed {
	unsigned char tag;
	union {
		struct {
			unsigned int lo, hi;
		} parts;
		unsigned long long whole;
	};
	struct {
		short a;
		struct {
			char b;
		} deep;
	};
};

union an_in_union {
	struct {
		char a;
		int b;
	};
	struct {
		short c;
		long long d;
	};
};

struct an_bitfields {
	int x;
	struct {
		unsigned int a : 3;
		unsigned int b : 9;
	};
	union {
		unsigned int c : 5;
		unsigned short d;
	};
};
