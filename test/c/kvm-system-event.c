/*
 * struct kvm_run's system_event, before and after the 2022 change (Linux 5.18) that replaced
 * `__u64 flags` by `__u32 ndata` + a union of flags and data[16]: same offset for flags on
 * 64-bit ABIs, different on i386 (u64 alignment 4), and the union grows.
 */

typedef unsigned int __u32;
typedef unsigned long long __u64;

struct kvm_run_old {
	__u32 exit_reason;
	union {
		struct {
			__u32 type;
			__u64 flags;
		} system_event;
		char padding[256];
	};
};

struct kvm_run_new {
	__u32 exit_reason;
	union {
		struct {
			__u32 type;
			__u32 ndata;
			union {
				__u64 flags;
				__u64 data[16];
			};
		} system_event;
		char padding[256];
	};
};

struct system_event_old {
	__u32 type;
	__u64 flags;
};

struct system_event_new {
	__u32 type;
	__u32 ndata;
	union {
		__u64 flags;
		__u64 data[16];
	};
};
