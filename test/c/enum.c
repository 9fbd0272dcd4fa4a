/* Enums as members: size follows the values (and packed); values never appear in layouts. */

enum small { S_A, S_B, S_C };
enum negative { N_NEG = -1, N_POS = 1 };
enum big { B_BIG = 0x100000000ULL };
enum __attribute__((packed)) packed_byte { PB_A, PB_B = 200 };
enum __attribute__((packed)) packed_short { PS_A = 0x1234 };
enum __attribute__((packed)) packed_signed { PSS_A = -1, PSS_B = 100 };

struct e_members {
	char c;
	enum small s;
	enum big b;
	enum negative n;
};

struct e_packed {
	char c;
	enum packed_byte pb;
	enum packed_short ps;
	enum packed_signed pss;
};

struct e_bitfields {
	enum small s : 2;
	enum packed_byte pb : 3;
	unsigned int rest : 27;
};

struct e_array {
	enum packed_byte v[3];
	enum small last;
};
