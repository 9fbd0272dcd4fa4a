/* Pointers, long and function pointers: 4 or 8 bytes per ABI (x32 and riscv32 are ILP32). */

struct node;

struct ptr {
	char c;
	void *p;
	char d;
	struct node *next;
};

struct longs {
	char c;
	long l;
	unsigned long ul;
	char d;
	long long ll;
};

typedef void (*handler_t)(int);

struct fnptr {
	char c;
	handler_t h;
	int (*cb)(void *, unsigned long);
	void (*table[3])(void);
};

struct ptr_array {
	short s;
	char *argv[2];
	const char **envp;
};

struct sizes {
	char c;
	unsigned long long u64;
	double d;
	long double ld_after;
};
