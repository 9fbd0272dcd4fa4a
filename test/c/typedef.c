/* typedef'd untagged records (named by the typedef) and typedefs of scalars with attributes. */

typedef unsigned int u32;
typedef unsigned long long u64;
typedef u64 __attribute__((aligned(8))) aligned_u64;
typedef struct {
	int val[2];
} fsid_like;

typedef union {
	u32 w;
	unsigned char b[4];
} word_t;

typedef struct {
	char c;
	fsid_like f;
	word_t w;
	aligned_u64 a;
} uses_typedefs;

typedef struct tagged {
	u32 x;
	u64 y;
} tagged_t;

typedef struct {
	u32 a;
} first_name, second_name, *pointer_name;

typedef struct {
	short s;
	char c;
} __attribute__((packed)) packed_t;

typedef struct {
	char c;
} __attribute__((aligned(8))) aligned_t;

struct holds_typedefs {
	char c;
	tagged_t t;
	packed_t p;
	aligned_t a;
	first_name f[2];
};
