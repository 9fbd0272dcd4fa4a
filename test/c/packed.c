/* __attribute__((packed)) on records and on members; #pragma pack. */

struct p_rec {
	char c;
	int i;
	long long ll;
	short s;
} __attribute__((packed));

struct p_member {
	char c;
	int i __attribute__((packed));
	long long ll;
};

struct p_inner {
	char c;
	int i;
};

struct p_outer {
	char c;
	struct p_inner in; /* not packed itself: keeps its alignment */
	char d;
} __attribute__((packed));

struct p_outer_member {
	char c;
	struct p_inner in __attribute__((packed)); /* member packed: alignment 1 */
	char d;
};

struct p_aligned {
	char c;
	int i;
} __attribute__((packed, aligned(4)));

struct p_array {
	char c;
	unsigned short s[3];
	unsigned int i[2];
} __attribute__((packed));

#pragma pack(push, 2)
struct pragma2 {
	char c;
	int i;
	long long ll;
};
#pragma pack(pop)

#pragma pack(push, 1)
struct pragma1 {
	short s;
	double d;
};
#pragma pack(pop)

union p_union {
	char c[5];
	int i;
} __attribute__((packed));
